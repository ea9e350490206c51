namespace Parkway.Qmp.Protocol;

/// <summary>
/// What the dispatcher answers to one input frame: the message to send, whether it switches the
/// connection to command mode (done once the reply is queued, so no event overtakes it), and work
/// to run once the reply has been written (<c>quit</c>: the client must see the reply first).
/// </summary>
internal readonly record struct QmpReply(byte[] Message, bool EntersCommandMode = false, Action? AfterWritten = null);
