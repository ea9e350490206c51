namespace Parkway.Acpi.Aml.Resources;

/// <summary>
/// ASL <c>Interrupt (ResourceConsumer|ResourceProducer, Edge|Level, ActiveHigh|ActiveLow,
/// Exclusive|Shared) { gsiv, ... }</c>: the Extended Interrupt Descriptor, large item 0x89.
/// </summary>
public sealed class AmlInterrupt : IAmlResourceDescriptor
{
    /// <summary>Describes the interrupts <paramref name="gsivs"/>.</summary>
    public AmlInterrupt(
        AmlInterruptTrigger trigger,
        AmlInterruptPolarity polarity,
        IEnumerable<uint> gsivs,
        bool consumer = true,
        bool shared = false,
        bool wakeCapable = false)
    {
        Trigger = trigger;
        Polarity = polarity;
        Consumer = consumer;
        Shared = shared;
        WakeCapable = wakeCapable;
        Gsivs = gsivs.ToArray();
        if (Gsivs.Count is 0 or > 255)
        {
            throw new ArgumentException("An interrupt descriptor lists 1 to 255 interrupts.", nameof(gsivs));
        }
    }

    /// <summary>Trigger mode.</summary>
    public AmlInterruptTrigger Trigger { get; }

    /// <summary>Polarity.</summary>
    public AmlInterruptPolarity Polarity { get; }

    /// <summary>ResourceConsumer (true) or ResourceProducer.</summary>
    public bool Consumer { get; }

    /// <summary>Shared (true) or Exclusive.</summary>
    public bool Shared { get; }

    /// <summary>Whether the interrupt can wake the system.</summary>
    public bool WakeCapable { get; }

    /// <summary>The global system interrupt numbers.</summary>
    public IReadOnlyList<uint> Gsivs { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(0x89);
        writer.WriteUInt16((ushort)(2 + (4 * Gsivs.Count)));
        var flags = (Consumer ? 0x01 : 0) |
            (Trigger == AmlInterruptTrigger.Edge ? 0x02 : 0) |
            (Polarity == AmlInterruptPolarity.ActiveLow ? 0x04 : 0) |
            (Shared ? 0x08 : 0) |
            (WakeCapable ? 0x10 : 0);
        writer.WriteByte((byte)flags);
        writer.WriteByte((byte)Gsivs.Count);
        foreach (var gsiv in Gsivs)
        {
            writer.WriteUInt32(gsiv);
        }
    }
}
