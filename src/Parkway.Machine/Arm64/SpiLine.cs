using Parkway.Kvm;
using Parkway.Machine.Devices;

namespace Parkway.Machine.Arm64;

/// <summary>A shared peripheral interrupt of the in-kernel vGIC, driven with KVM_IRQ_LINE.</summary>
public sealed class SpiLine : IInterruptLine
{
    // KVM_IRQ_LINE on arm64: irq_type[27:24] (1 = SPI), vcpu_index[23:16], irq_id[15:0].
    private const uint KvmArmIrqTypeSpi = 1;

    private readonly KvmVm _vm;
    private readonly uint _encoded;

    /// <summary>Drives SPI <paramref name="spi"/> (interrupt id 32 + spi).</summary>
    public SpiLine(KvmVm vm, uint spi)
    {
        _vm = vm;
        _encoded = (KvmArmIrqTypeSpi << 24) | VirtMemoryMap.SpiToInterruptId(spi);
    }

    /// <inheritdoc />
    public void SetLevel(bool asserted) => _vm.SetIrqLine(_encoded, asserted);

    /// <summary>An edge: raise then lower (the vGIC latches edge-configured interrupts).</summary>
    public void Pulse()
    {
        SetLevel(true);
        SetLevel(false);
    }
}
