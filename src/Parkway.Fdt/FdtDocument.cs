namespace Parkway.Fdt;

/// <summary>Everything a DTB holds: its header, its memory reservations and its node tree.</summary>
/// <param name="Header">The validated header.</param>
/// <param name="MemoryReservations">The reservation entries, without the terminating zero entry.</param>
/// <param name="Root">The root node (named "").</param>
public sealed record FdtDocument(FdtHeader Header, IReadOnlyList<FdtMemoryReservation> MemoryReservations, FdtNode Root);
