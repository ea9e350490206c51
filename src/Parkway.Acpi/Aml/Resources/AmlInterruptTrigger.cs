namespace Parkway.Acpi.Aml.Resources;

/// <summary>Interrupt trigger mode.</summary>
public enum AmlInterruptTrigger
{
    /// <summary>Level-triggered.</summary>
    Level,

    /// <summary>Edge-triggered.</summary>
    Edge,
}

/// <summary>Interrupt polarity.</summary>
public enum AmlInterruptPolarity
{
    /// <summary>Active high (rising edge).</summary>
    ActiveHigh,

    /// <summary>Active low (falling edge).</summary>
    ActiveLow,
}
