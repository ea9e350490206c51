using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>
/// The one place where ioctl results become exceptions: a negative return raises a
/// <see cref="KvmException"/> naming the ioctl and the errno. EINTR/EAGAIN from KVM_RUN are
/// handled by the caller (<see cref="KvmVcpu.Run"/>), not here.
/// </summary>
internal static class KvmIoctl
{
    public static int Invoke(SafeFdHandle fd, uint request, nint argument, string name)
    {
        int result = Libc.Ioctl(fd, request, argument);
        if (result < 0)
        {
            throw new KvmException(name, Errno.Last);
        }

        return result;
    }

    public static unsafe int Invoke<T>(SafeFdHandle fd, uint request, ref T argument, string name)
        where T : unmanaged
    {
        // SAFETY: argument is a ref to an unmanaged value that lives for the duration of the call;
        // fixed pins it so the kernel reads/writes a stable address.
        fixed (T* pointer = &argument)
        {
            return Invoke(fd, request, (nint)pointer, name);
        }
    }
}
