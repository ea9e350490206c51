namespace Parkway.Qmp.Protocol;

/// <summary>
/// Watches the bytes of one top-level value as the splitter scans it and keeps the raw text of its
/// top-level <c>"id"</c> member, so that a value refused for a size or nesting limit can still be
/// answered with the request's id: QEMU's QMPClient (python qemu.qmp) drops the connection on an
/// error reply without one, and clients usually put the id last, after a large argument.
/// </summary>
/// <remarks>
/// Fed every byte the splitter keeps or skips, with the splitter's depth and string state after
/// that byte. Only the members of a top-level object count; a key with escapes is never "id" here
/// (a client writing <c>"\u0069d"</c> gets an error without id, as before). An id longer than
/// <see cref="MaxIdBytes"/> is not kept. The last "id" wins, as in QEMU's dictionaries.
/// </remarks>
internal sealed class QmpRequestIdCapture
{
    /// <summary>Longest id text kept (QEMU clients use short strings or numbers).</summary>
    public const int MaxIdBytes = 4096;

    private readonly byte[] _key = new byte[4];
    private readonly byte[] _value = new byte[MaxIdBytes];
    private int _keyLength;
    private int _valueLength;
    private bool _expectKey;
    private bool _inKey;
    private bool _inIdValue;
    private bool _valueTooLong;
    private byte[]? _id;

    /// <summary>The raw JSON text of the last complete top-level "id" member seen, or null.</summary>
    public byte[]? Id => _id;

    /// <summary>Forgets everything (a new value starts).</summary>
    public void Reset()
    {
        _keyLength = 0;
        _valueLength = 0;
        _expectKey = false;
        _inKey = false;
        _inIdValue = false;
        _valueTooLong = false;
        _id = null;
    }

    /// <summary>One byte of the value; <paramref name="depth"/> and <paramref name="inString"/> as they are after it.</summary>
    public void Observe(byte b, int depth, bool inString)
    {
        if (_inIdValue)
        {
            if (depth == 0 || (depth == 1 && !inString && b == (byte)','))
            {
                _inIdValue = false;
                _id = _valueTooLong ? null : _value.AsSpan(0, _valueLength).Trim(" \t\r\n"u8).ToArray();
                _expectKey = depth == 1;
                return;
            }

            if (_valueLength < _value.Length)
            {
                _value[_valueLength++] = b;
            }
            else
            {
                _valueTooLong = true;
            }

            return;
        }

        if (_inKey)
        {
            if (b == (byte)'"' && !inString)
            {
                _inKey = false;
            }
            else if (_keyLength < _key.Length)
            {
                _key[_keyLength++] = b;
            }
            else
            {
                _keyLength = _key.Length + 1; // too long to be "id"
            }

            return;
        }

        if (depth != 1 || inString && b != (byte)'"')
        {
            return;
        }

        switch (b)
        {
            case (byte)'{' when !inString:
            case (byte)',' when !inString:
                _expectKey = true;
                return;
            case (byte)'"' when inString && _expectKey:
                _inKey = true;
                _keyLength = 0;
                return;
            case (byte)':' when !inString && _expectKey:
                _expectKey = false;
                if (_keyLength == 2 && _key[0] == (byte)'i' && _key[1] == (byte)'d')
                {
                    _inIdValue = true;
                    _valueLength = 0;
                    _valueTooLong = false;
                }

                return;
        }
    }
}
