namespace Parkway.Efi.Tests;

public class EfiGuidsTests
{
    [Fact]
    public void Acpi20_table_guid_is_written_in_efi_byte_order()
    {
        Assert.Equal(
            Convert.FromHexString("71e86888f1e4d311bc220080c73c8881"),
            EfiGuids.ToEfiBytes(EfiGuids.Acpi20Table));
    }

    [Fact]
    public void Rt_properties_table_guid_is_written_in_efi_byte_order()
    {
        Assert.Equal(
            Convert.FromHexString("8a9166ebef7e2a40842e931d21c38ae9"),
            EfiGuids.ToEfiBytes(EfiGuids.RtPropertiesTable));
    }

    [Fact]
    public void String_form_writes_the_same_bytes_and_leaves_the_rest_alone()
    {
        byte[] destination = new byte[20];
        Array.Fill(destination, (byte)0xAA);

        EfiGuids.Write("00112233-4455-6677-8899-aabbccddeeff", destination.AsSpan(2));

        Assert.Equal(Convert.FromHexString("AAAA33221100554477668899AABBCCDDEEFFAAAA"), destination);
    }

    [Fact]
    public void A_short_destination_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => EfiGuids.Write(EfiGuids.Acpi20Table, new byte[15]));
        Assert.Throws<FormatException>(() => EfiGuids.Write("not-a-guid", new byte[16]));
    }
}
