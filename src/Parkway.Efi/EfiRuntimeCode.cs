namespace Parkway.Efi;

/// <summary>
/// The A64 code behind Parkway's EFI runtime services: <c>GetTime</c>, which reads a PL031's data
/// register (seconds since 1970-01-01 UTC) and turns it into an EFI_TIME, and one routine every other
/// service points at, which returns EFI_UNSUPPORTED.
/// </summary>
/// <remarks>
/// Linux calls it at EL1 through <c>__efi_rt_asm_wrapper</c> with its own stack, the EFI page tables
/// (efi_mm: our runtime region and the PL031 window, both identity-mapped) and the AAPCS64: arguments
/// in x0/x1, status in x0. The code is a leaf that touches only x0, x1 and the scratch registers
/// x9–x17, never the stack and never x18 (the platform register Linux checks is preserved). It is
/// position-independent: the only absolute address in it is the RTC's.
/// <para>
/// EFI_TIME (UEFI 2.10, 8.3): u16 Year 0, u8 Month 2, u8 Day 3, u8 Hour 4, u8 Minute 5, u8 Second 6,
/// u8 Pad1 7, u32 Nanosecond 8, s16 TimeZone 12, u8 Daylight 14, u8 Pad2 15 (16 bytes).
/// EFI_TIME_CAPABILITIES: u32 Resolution 0, u32 Accuracy 4, BOOLEAN SetsToZero 8.
/// </para>
/// <para>
/// The date comes from the day count by the proleptic-Gregorian "days to civil" method (shift the
/// year to start on 1 March so the leap day is last, split into 400-year eras of 146097 days, then
/// year of era, day of year and a 153-day five-month cycle for the month); unsigned arithmetic
/// suffices because a PL031 counts from 1970, so the shifted day number is never negative.
/// </para>
/// </remarks>
public static class EfiRuntimeCode
{
    /// <summary>EFI_SUCCESS.</summary>
    public const ulong Success = 0;

    /// <summary>EFI_INVALID_PARAMETER (high bit set: an error).</summary>
    public const ulong InvalidParameter = 0x8000_0000_0000_0002;

    /// <summary>EFI_UNSUPPORTED.</summary>
    public const ulong Unsupported = 0x8000_0000_0000_0003;

    /// <summary>EFI_UNSPECIFIED_TIMEZONE: the time is local time of no stated zone (Linux reads it as UTC).</summary>
    public const short UnspecifiedTimeZone = 0x07FF;

    /// <summary>Label of <c>GetTime</c> in the assembled code.</summary>
    public const string GetTimeLabel = "get_time";

    /// <summary>Label of the routine returning EFI_UNSUPPORTED.</summary>
    public const string UnsupportedLabel = "unsupported";

    // AAPCS64 registers: arguments, then scratch the callee may clobber (x9-x17; x18 is not one).
    private const int Time = 0;
    private const int Capabilities = 1;
    private const int Constant = 9;
    private const int Seconds = 10;
    private const int Days = 11;
    private const int Rest = 12;
    private const int Hour = 13;
    private const int Minute = 14;
    private const int Era = 15;
    private const int DayOfEra = 16;
    private const int Year = 17;
    private const int DayOfYear = 12;
    private const int MonthIndex = 13;
    private const int Day = 14;
    private const int Month = 10;
    private const int Scratch = 11;

    /// <summary>Emits GetTime and the EFI_UNSUPPORTED routine into <paramref name="code"/>, labelled.</summary>
    /// <param name="code">The assembler to append to.</param>
    /// <param name="rtcDataRegister">Guest-physical address of the PL031's RTCDR (identity-mapped for the call).</param>
    public static A64Assembler Emit(A64Assembler code, ulong rtcDataRegister)
    {
        ArgumentNullException.ThrowIfNull(code);
        code.Label(GetTimeLabel)
            .Cbz(Time, "invalid")
            .Mov64(Constant, rtcDataRegister)
            .LdrW(Seconds, Constant)                    // seconds since 1970, zero-extended

            // Time of day.
            .Mov64(Constant, 86400)
            .Udiv(Days, Seconds, Constant)
            .Msub(Rest, Days, Constant, Seconds)
            .Mov64(Constant, 3600)
            .Udiv(Hour, Rest, Constant)
            .Msub(Rest, Hour, Constant, Rest)
            .Mov64(Constant, 60)
            .Udiv(Minute, Rest, Constant)
            .Msub(Rest, Minute, Constant, Rest)
            .StrbAt(Hour, Time, 4)
            .StrbAt(Minute, Time, 5)
            .StrbAt(Rest, Time, 6)
            .StrbAt(31, Time, 7)                        // Pad1
            .StrW(31, Time, 8)                          // Nanosecond
            .Mov64(Constant, (ushort)UnspecifiedTimeZone)
            .Strh(Constant, Time, 12)
            .StrbAt(31, Time, 14)                       // Daylight
            .StrbAt(31, Time, 15)                       // Pad2

            // Date: days since 1970-01-01 → days since 0000-03-01 → era, day of era.
            .Mov64(Constant, 719468)
            .AddRegister(Days, Days, Constant)
            .Mov64(Constant, 146097)
            .Udiv(Era, Days, Constant)
            .Msub(DayOfEra, Era, Constant, Days)
            // Year of era = (doe - doe/1460 + doe/36524 - doe/146096) / 365.
            .Mov64(Constant, 1460)
            .Udiv(Scratch, DayOfEra, Constant)
            .SubRegister(Year, DayOfEra, Scratch)
            .Mov64(Constant, 36524)
            .Udiv(Scratch, DayOfEra, Constant)
            .AddRegister(Year, Year, Scratch)
            .Mov64(Constant, 146096)
            .Udiv(Scratch, DayOfEra, Constant)
            .SubRegister(Year, Year, Scratch)
            .Mov64(Constant, 365)
            .Udiv(Year, Year, Constant)
            // Day of year (from 1 March) = doe - (365*yoe + yoe/4 - yoe/100).
            .Mul(DayOfYear, Year, Constant)
            .LsrImmediate(Scratch, Year, 2)
            .AddRegister(DayOfYear, DayOfYear, Scratch)
            .Mov64(Constant, 100)
            .Udiv(Scratch, Year, Constant)
            .SubRegister(DayOfYear, DayOfYear, Scratch)
            .SubRegister(DayOfYear, DayOfEra, DayOfYear)
            // Month index from March = (5*doy + 2) / 153; day = doy - (153*mp + 2)/5 + 1.
            .Mov64(Constant, 5)
            .Mul(MonthIndex, DayOfYear, Constant)
            .AddImmediate(MonthIndex, MonthIndex, 2)
            .Mov64(Constant, 153)
            .Udiv(MonthIndex, MonthIndex, Constant)
            .Mul(Day, MonthIndex, Constant)
            .AddImmediate(Day, Day, 2)
            .Mov64(Constant, 5)
            .Udiv(Day, Day, Constant)
            .SubRegister(Day, DayOfYear, Day)
            .AddImmediate(Day, Day, 1)
            // Month = index < 10 ? index + 3 : index - 9 (March..December, then January, February).
            .AddImmediate(Month, MonthIndex, 3)
            .SubImmediate(Scratch, MonthIndex, 9)
            .CmpImmediate(MonthIndex, 10)
            .Csel(Month, Month, Scratch, A64Condition.Lo)
            // Year = year of era + 400 * era, plus one for January and February.
            .Mov64(Constant, 400)
            .Madd(Year, Era, Constant, Year)
            .CmpImmediate(Month, 2)
            .Cinc(Year, Year, A64Condition.Ls)
            .Strh(Year, Time, 0)
            .StrbAt(Month, Time, 2)
            .StrbAt(Day, Time, 3)

            // Capabilities (optional): 1-second resolution, accuracy not stated, not reset on set.
            .Cbz(Capabilities, "done")
            .Mov64(Constant, 1)
            .StrW(Constant, Capabilities, 0)
            .StrW(31, Capabilities, 4)
            .StrbAt(31, Capabilities, 8)
            .Label("done")
            .Mov64(0, Success)
            .Ret()
            .Label("invalid")
            .Mov64(0, InvalidParameter)
            .Ret()

            .Label(UnsupportedLabel)
            .Mov64(0, Unsupported)
            .Ret();
        return code;
    }
}
