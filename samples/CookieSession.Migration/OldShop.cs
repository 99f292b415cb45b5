using System.Diagnostics;

namespace CookieSession.Migration;

/// <summary>
/// The half of the shop not moved yet, one subclass a framework: how its app is started, the cookie it keeps the
/// session in, and how the ASP.NET Core half is configured to read and write that same cookie.
/// </summary>
internal abstract class OldShop
{
    /// <summary>The framework's name as the demo's pages and log say it: "Node", "Rails"...</summary>
    public abstract string Name { get; }

    /// <summary>What the app runs, for the line the demo logs once it is up.</summary>
    public abstract string Description { get; }

    /// <summary>The session cookie both halves share.</summary>
    public abstract string CookieName { get; }

    /// <summary>The format the ASP.NET Core half reads the cookie with.</summary>
    public abstract CookieSessionFormat Format { get; }

    /// <summary>One HTML sentence on what the cookie is, for the account page (never its value).</summary>
    public abstract string CookieSummaryHtml { get; }

    /// <summary>What to install when the framework is missing, as a sentence naming the Debian packages.</summary>
    public abstract string InstallHint { get; }

    public static OldShop For(MigrationBackend backend) => backend switch
    {
        MigrationBackend.Node => new NodeShop(),
        MigrationBackend.Rails => new RailsShop(),
        MigrationBackend.Flask => new FlaskShop(),
        MigrationBackend.Django => new DjangoShop(),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    /// <summary>The session options that make the ASP.NET Core half read and write this app's cookie.</summary>
    public virtual void ConfigureSession(CookieSessionOptions options, string secret)
    {
        options.Format = Format;
        options.Secret = secret;
        options.Cookie.Name = CookieName;
        options.Cookie.Path = "/";      // every path of the origin, on both apps
    }

    /// <summary>
    /// Everything the app needs before it starts (packages installed, the interpreter found), and the command that
    /// starts it. <see cref="OldShopProcess"/> adds the environment every old app reads (<c>SESSION_SECRET</c>,
    /// <c>PORT</c>, <c>HOST</c>, <c>EXIT_ON_STDIN_END</c>).
    /// </summary>
    public abstract Task<ProcessStartInfo> PrepareAsync(MigrationSettings settings, ILogger logger, CancellationToken cancellationToken);

    /// <summary>
    /// The app's folder (<paramref name="folder"/>, holding <paramref name="entry"/>): beside the built demo or its
    /// sources, found from the build output or the working directory upwards.
    /// </summary>
    protected static string FindFolder(string folder, string entry)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(directory.FullName, folder), Path.Combine(directory.FullName, "samples", "CookieSession.Migration", folder) })
                {
                    if (File.Exists(Path.Combine(candidate, entry)))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new OldShopException($"The {folder} app ({folder}/{entry}) was not found above {AppContext.BaseDirectory}: run the demo from the repository.");
    }

    /// <summary>The full path of an executable on <c>PATH</c>, or null.</summary>
    protected static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd" } : new[] { string.Empty };
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Debian's python3 first, whose dist-packages hold python3-flask and python3-django; a python3 earlier on
    /// <c>PATH</c> (a virtualenv, pyenv) may not see them.
    /// </summary>
    protected string FindPython()
    {
        const string debian = "/usr/bin/python3";
        return File.Exists(debian) ? debian : FindOnPath("python3")
            ?? throw new OldShopException($"'python3' was not found on PATH. The {Name} backend runs with it: {InstallHint}");
    }

    /// <summary>A process start for <paramref name="executable"/> in <paramref name="directory"/> with these arguments.</summary>
    protected static ProcessStartInfo Command(string executable, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

/// <summary>The old app could not be started: the message says why and what to do.</summary>
internal sealed class OldShopException(string message) : Exception(message);
