using System.Buffers;

namespace Parkway.Qmp.Protocol;

/// <summary>
/// Cuts a QMP input byte stream into top-level JSON values the way QEMU's JSON streamer does: values
/// are delimited by bracket/brace balance, not by newlines, so several objects may arrive in one
/// write and one object may span many writes.
/// </summary>
/// <remarks>
/// Only structure is tracked here (depth, strings, escapes); syntax is checked by the real parser on
/// the cut value. That is what makes recovery possible: a value that breaks a limit is still scanned
/// to its end without being stored, so the next value is found again (QEMU: "error recovery eats tokens
/// until parentheses balance"). Like QEMU the splitter accepts single-quoted strings; it rewrites them
/// to double-quoted JSON. A 0xFF byte (never valid UTF-8) resets the splitter, the resynchronisation
/// byte QEMU's lexer also honours. A value refused for a limit is reported when its end is found, with
/// its top-level "id" when one was read (<see cref="QmpRequestIdCapture"/>).
///
/// Limits beside QEMU's (json-streamer.c): nesting 1024 like MAX_NESTING; a value's size 1 MiB where
/// QEMU's MAX_TOKEN_SIZE allows 64 MiB (every QMP request Parkway knows fits in a few KiB, and a
/// connection should not hold 64 MiB); up to 64 MiB of an oversized value is skipped looking for its
/// end before the connection is given up.
/// </remarks>
internal sealed class QmpJsonSplitter
{
    /// <summary>QEMU's default nesting limit (MAX_NESTING).</summary>
    public const int DefaultMaxDepth = 1024;

    /// <summary>Largest value we buffer; QEMU allows 64 MiB, a CPU hot-plug monitor needs far less.</summary>
    public const int DefaultMaxValueBytes = 1 << 20;

    /// <summary>How much of an oversized value we skip before giving up on resynchronising.</summary>
    public const long DefaultMaxDiscardBytes = 64L << 20;

    private readonly int _maxDepth;
    private readonly int _maxValueBytes;
    private readonly long _maxDiscardBytes;
    /// <summary>Buffers above this size are dropped after use rather than kept for the connection's lifetime.</summary>
    private const int RetainedBufferBytes = 64 * 1024;

    private ArrayBufferWriter<byte> _value = new(256);
    private readonly QmpRequestIdCapture _id = new();
    private string? _pendingError;

    private int _braces;
    private int _brackets;
    private bool _inString;
    private byte _quote;
    private bool _escape;
    private bool _inScalar;
    private bool _discarding;
    private long _discarded;
    private bool _broken;

    public QmpJsonSplitter(int maxDepth = DefaultMaxDepth, int maxValueBytes = DefaultMaxValueBytes, long maxDiscardBytes = DefaultMaxDiscardBytes)
    {
        _maxDepth = maxDepth;
        _maxValueBytes = maxValueBytes;
        _maxDiscardBytes = maxDiscardBytes;
    }

    private int Depth => _braces + _brackets;

    /// <summary>Scans <paramref name="data"/>, appending every completed value or error to <paramref name="frames"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, List<QmpInputFrame> frames)
    {
        foreach (byte b in data)
        {
            if (_broken)
            {
                return;
            }

            if (b == 0xFF)
            {
                Resynchronise(frames);
                continue;
            }

            if (_inString)
            {
                ScanStringByte(b, frames);
                continue;
            }

            if (_inScalar)
            {
                if (!EndsScalar(b))
                {
                    Append(b, frames);
                    continue;
                }

                _inScalar = false;
                Emit(frames);
            }

            ScanStructureByte(b, frames);
        }
    }

    /// <summary>The peer closed its side: a value still open at this point is reported, as QEMU does at end of input.</summary>
    public void Finish(List<QmpInputFrame> frames)
    {
        if (_inScalar)
        {
            _inScalar = false;
            Emit(frames);
        }
        else if (Depth > 0 || _inString)
        {
            Reset(frames);
            frames.Add(QmpInputFrame.Failure("JSON parse error, premature end of input"));
        }
    }

    private void ScanStringByte(byte b, List<QmpInputFrame> frames)
    {
        if (_escape)
        {
            _escape = false;
            // \' is valid in QEMU's JSON dialect (either quote style), not in standard JSON.
            if (b != (byte)'\'')
            {
                Append((byte)'\\', frames);
            }

            Append(b, frames);
        }
        else if (b == (byte)'\\')
        {
            _escape = true;
        }
        else if (b == _quote)
        {
            _inString = false;
            Append((byte)'"', frames);
            if (Depth == 0)
            {
                Emit(frames);
            }
        }
        else if (b == (byte)'"')
        {
            // A bare double quote inside a single-quoted string.
            Append((byte)'\\', frames);
            Append(b, frames);
        }
        else
        {
            Append(b, frames);
        }
    }

    private void ScanStructureByte(byte b, List<QmpInputFrame> frames)
    {
        switch (b)
        {
            case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                if (Depth > 0)
                {
                    Append(b, frames);
                }

                return;
            case (byte)'"' or (byte)'\'':
                _inString = true;
                _quote = b;
                Append((byte)'"', frames);
                return;
            case (byte)'{' or (byte)'[':
                if (b == (byte)'{')
                {
                    _braces++;
                }
                else
                {
                    _brackets++;
                }

                if (Depth > _maxDepth && !_discarding)
                {
                    StartDiscarding("JSON nesting depth limit exceeded");
                }

                Append(b, frames);
                return;
            case (byte)'}' or (byte)']':
                if (b == (byte)'}')
                {
                    _braces--;
                }
                else
                {
                    _brackets--;
                }

                if (_braces < 0 || _brackets < 0)
                {
                    // A closer with nothing open to close: report it and start afresh.
                    bool wasDiscarding = _discarding;
                    Reset(frames);
                    if (!wasDiscarding)
                    {
                        frames.Add(QmpInputFrame.Failure($"JSON parse error, stray '{(char)b}'"));
                    }

                    return;
                }

                Append(b, frames);
                if (Depth == 0)
                {
                    Emit(frames);
                }

                return;
            default:
                if (Depth == 0)
                {
                    // A bare top-level token (number, keyword, garbage): cut at the next delimiter.
                    _inScalar = true;
                }

                Append(b, frames);
                return;
        }
    }

    private static bool EndsScalar(byte b) =>
        b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'{' or (byte)'}' or (byte)'[' or (byte)']'
            or (byte)'"' or (byte)'\'' or (byte)',' or (byte)':';

    private void Append(byte b, List<QmpInputFrame> frames)
    {
        _id.Observe(b, Depth, _inString);
        if (_discarding)
        {
            if (++_discarded > _maxDiscardBytes)
            {
                // The value never ends within any sane bound: resynchronising is hopeless.
                _broken = true;
                FlushPendingError(frames);
                frames.Add(QmpInputFrame.Failure("JSON token size limit exceeded", fatal: true));
            }

            return;
        }

        if (_value.WrittenCount >= _maxValueBytes)
        {
            StartDiscarding("JSON token size limit exceeded");
            return;
        }

        _value.GetSpan(1)[0] = b;
        _value.Advance(1);
    }

    /// <summary>Skips the rest of the value; the error is reported at its end, when the id may be known.</summary>
    private void StartDiscarding(string error)
    {
        _discarding = true;
        _discarded = 0;
        _value.Clear();
        _pendingError = error;
    }

    private void FlushPendingError(List<QmpInputFrame> frames)
    {
        if (_pendingError is { } error)
        {
            _pendingError = null;
            frames.Add(QmpInputFrame.Failure(error, id: _id.Id));
        }
    }

    private void Emit(List<QmpInputFrame> frames)
    {
        bool discarded = _discarding;
        byte[] json = _value.WrittenSpan.ToArray();
        Reset(frames);
        if (!discarded)
        {
            frames.Add(QmpInputFrame.Value(json));
        }
    }

    private void Resynchronise(List<QmpInputFrame> frames)
    {
        bool partial = _value.WrittenCount > 0 && !_discarding;
        Reset(frames);
        if (partial)
        {
            frames.Add(QmpInputFrame.Failure("JSON parse error, stray '\\xFF'"));
        }
    }

    /// <summary>Starts afresh for the next value, first reporting a refusal still pending for this one.</summary>
    private void Reset(List<QmpInputFrame> frames)
    {
        FlushPendingError(frames);
        _id.Reset();
        if (_value.Capacity > RetainedBufferBytes)
        {
            _value = new ArrayBufferWriter<byte>(256);
        }
        else
        {
            _value.Clear();
        }

        _braces = 0;
        _brackets = 0;
        _inString = false;
        _escape = false;
        _inScalar = false;
        _discarding = false;
        _discarded = 0;
    }
}
