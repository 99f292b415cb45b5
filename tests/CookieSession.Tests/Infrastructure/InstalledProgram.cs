using System.Diagnostics;

namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// A program installed on this machine that the tests run against (node, ruby, python3, redis-server): found on
/// PATH, and run to its end to probe it (its version, whether it loads a package) before a test relies on it.
/// </summary>
internal static class InstalledProgram
{
    /// <summary>The full path of <paramref name="name"/> in the first PATH directory that has it, or <c>null</c>.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (directory.Length == 0)
            {
                continue;
            }

            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs <paramref name="program"/> to its end; one still running after <paramref name="timeout"/> is killed, with
    /// its children, and the wait throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="program">The program's path.</param>
    /// <param name="arguments">Its arguments, each passed as one.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="workingDirectory">Where it runs; the test's own working directory when <c>null</c>.</param>
    public static async Task<ProgramRun> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // A hung probe must not outlive the run.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProgramRun(process.ExitCode, await output, await errors);
    }
}

/// <summary>How a program run by <see cref="InstalledProgram.RunAsync"/> ended.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">What it wrote to standard output.</param>
/// <param name="StandardError">What it wrote to standard error.</param>
internal sealed record ProgramRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Standard output, then standard error.</summary>
    public string Output => StandardOutput + StandardError;
}
