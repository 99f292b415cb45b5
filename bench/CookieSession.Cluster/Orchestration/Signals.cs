using System.Runtime.InteropServices;

namespace CookieSession.Cluster.Orchestration;

/// <summary>
/// SIGTERM, what an orchestrator sends to stop a process gracefully (<see cref="System.Diagnostics.Process.Kill()"/> sends
/// SIGKILL, which skips the drain under test).
/// </summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int processId)
    {
        if (Kill(processId, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
