using Parkway.Machine.Snapshot;

namespace Parkway.Machine.Devices;

/// <summary>The PL011's state record: save and rebuild.</summary>
public sealed partial class Pl011Uart
{
    /// <summary>The registers as the guest set them.</summary>
    public Pl011State SaveState()
    {
        using (_lock.EnterScope())
        {
            return new Pl011State(_interruptMask, _rawInterrupts, _lineControl, _control, _integerBaud, _fractionalBaud, _fifoLevel, _dmaControl);
        }
    }

    /// <summary>
    /// Puts saved registers back and drives the interrupt line to match them (a restored guest with
    /// an unmasked TX interrupt gets its interrupt again, so its console keeps writing).
    /// </summary>
    public void RestoreState(Pl011State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using (_lock.EnterScope())
        {
            _interruptMask = state.InterruptMask & 0x7FF;
            _rawInterrupts = state.RawInterrupts & 0x7FF;
            _lineControl = state.LineControl & 0xFF;
            _control = state.Control & 0xFFFF;
            _integerBaud = state.IntegerBaud & 0xFFFF;
            _fractionalBaud = state.FractionalBaud & 0x3F;
            _fifoLevel = state.FifoLevel & 0x3F;
            _dmaControl = state.DmaControl & 0x7;
            _lineLevel = false;
            UpdateInterruptLine();
        }
    }
}
