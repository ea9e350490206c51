using System.Diagnostics;
using System.Text.Json.Nodes;
using Parkway.Machine;
using Parkway.Machine.Snapshot;
using Parkway.Qmp;

namespace Parkway.Control;

/// <summary>
/// QMP <c>migrate</c> to <c>file:PATH</c>, QEMU's way: the command returns at once, a background
/// thread pauses the machine (STOP), writes the snapshot and reports <c>MIGRATION</c> events
/// (setup, active, completed or failed). As QEMU leaves a migrated source, the machine stays paused
/// afterwards (<c>postmigrate</c>; <c>cont</c> resumes it); a failed save resumes a machine that
/// was running. While a save runs, plug requests are refused with QEMU's texts.
/// </summary>
internal sealed class SnapshotMigration
{
    /// <summary>QEMU's QERR_MIGRATION_ACTIVE text.</summary>
    public const string InProgress = "There's a migration process in progress";

    private const string FilePrefix = "file:";

    private readonly IMachine _machine;
    private readonly Action<string, JsonObject?> _raise;
    private readonly Lock _lock = new();
    private string _status = "none";
    private bool _postMigrate;
    private JsonObject _info = [];

    public SnapshotMigration(IMachine machine, Action<string, JsonObject?> raise)
    {
        _machine = machine;
        _raise = raise;
    }

    /// <summary>True from the <c>migrate</c> command until the save completed or failed.</summary>
    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _status is "setup" or "active";
            }
        }
    }

    /// <summary>True after a completed save until the machine is resumed (QEMU's <c>postmigrate</c>).</summary>
    public bool IsPostMigrate
    {
        get
        {
            lock (_lock)
            {
                return _postMigrate;
            }
        }
    }

    /// <summary>Refuses <paramref name="command"/> while a save runs, as QEMU does for device_add/device_del.</summary>
    public void RefuseWhileActive(string command)
    {
        if (IsActive)
        {
            throw QmpErrorException.GenericError($"{command} not allowed while migrating");
        }
    }

    /// <summary>The machine was resumed (<c>cont</c>): it is no longer a migrated source.</summary>
    public void Resumed()
    {
        lock (_lock)
        {
            _postMigrate = false;
        }
    }

    public void Start(string uri)
    {
        if (_machine is not ISnapshotMachine target)
        {
            throw QmpErrorException.GenericError("this machine cannot be saved");
        }

        if (!uri.StartsWith(FilePrefix, StringComparison.Ordinal) || uri.Length == FilePrefix.Length)
        {
            // QEMU's text for a transport it does not know.
            throw QmpErrorException.GenericError($"Invalid parameter 'uri': only file:PATH is supported by Parkway, got '{uri}'");
        }

        string path = uri[FilePrefix.Length..];
        lock (_lock)
        {
            if (_status is "setup" or "active")
            {
                throw QmpErrorException.GenericError(InProgress);
            }

            _status = "setup";
            _info = new JsonObject { ["status"] = "setup" };
        }

        _raise("MIGRATION", new JsonObject { ["status"] = "setup" });
        // The save creates its file (openat), which only the process-wide seccomp list allows.
        var thread = new Thread(() => Save(target, path)) { IsBackground = true, Name = "snapshot-save" };
        Parkway.Threading.ThreadConfinement.StartWithProcessFilterOnly(thread);
    }

    public JsonObject Query()
    {
        lock (_lock)
        {
            return (JsonObject)_info.DeepClone();
        }
    }

    private void Save(ISnapshotMachine target, string path)
    {
        var total = Stopwatch.StartNew();
        bool wasRunning = _machine.IsRunning;
        try
        {
            if (wasRunning)
            {
                _machine.Pause();
                _raise("STOP", null);
            }

            double setupMs = total.Elapsed.TotalMilliseconds;
            SetStatus("active", null);
            SnapshotSaveResult result = target.SaveSnapshot(path);
            double totalMs = total.Elapsed.TotalMilliseconds;
            ulong pages = result.MemorySize / (ulong)result.PageSize;
            ulong normal = (ulong)result.MemoryBytesWritten / (ulong)result.PageSize;
            lock (_lock)
            {
                _status = "completed";
                _postMigrate = true;
                _info = new JsonObject
                {
                    ["status"] = "completed",
                    ["setup-time"] = (long)setupMs,
                    ["total-time"] = (long)totalMs,
                    // The guest is stopped for the whole save: downtime is the total time.
                    ["downtime"] = (long)totalMs,
                    ["ram"] = new JsonObject
                    {
                        ["transferred"] = result.FileBytes - (long)result.MemorySize + result.MemoryBytesWritten,
                        ["remaining"] = 0,
                        ["total"] = result.MemorySize,
                        ["duplicate"] = pages - normal,
                        ["normal"] = normal,
                        ["normal-bytes"] = result.MemoryBytesWritten,
                        ["page-size"] = result.PageSize,
                    },
                };
            }

            _raise("MIGRATION", new JsonObject { ["status"] = "completed" });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SetStatus("failed", e.Message);
            if (wasRunning && !_machine.IsRunning)
            {
                _machine.Resume();
                _raise("RESUME", null);
            }
        }
    }

    private void SetStatus(string status, string? error)
    {
        lock (_lock)
        {
            _status = status;
            _info = new JsonObject { ["status"] = status };
            if (error is not null)
            {
                _info["error-desc"] = error;
            }
        }

        _raise("MIGRATION", new JsonObject { ["status"] = status });
    }
}
