using System.Diagnostics;

namespace CookieSession.Migration;

/// <summary>
/// The Node half: <c>node server.js</c> in the <c>node</c> folder, an Express 3 app on connect 2.30.2's
/// cookieSession (the cookie <c>connect.sess</c>), after <c>npm ci</c> when its packages are missing or older than
/// the lockfile.
/// </summary>
internal sealed class NodeShop : OldShop
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    public override string Name => "Node";

    public override string Description => "Node (Express 3, connect 2.30.2 cookieSession)";

    public override string CookieName => CookieSessionDefaults.CookieName;

    public override CookieSessionFormat Format => CookieSessionFormat.Connect;

    public override string CookieSummaryHtml =>
        "Connect&rsquo;s format, <code>s:j:</code> + JSON + HMAC-SHA256, verified with the secret both apps share.";

    public override string InstallHint => "install Node.js 20.11 or later (with npm) and run again.";

    public override async Task<ProcessStartInfo> PrepareAsync(MigrationSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var node = FindOnPath("node") ?? throw new OldShopException("'node' was not found on PATH. The Node backend runs with it: " + InstallHint);
        var directory = settings.NodeDirectory ?? FindFolder("node", "server.js");
        await InstallAsync(directory, logger, cancellationToken);

        // Express 3 reads res._headers, which Node has deprecated (DEP0066): known, and not what this demo is about.
        return Command(node, directory, "--disable-warning=DEP0066", "server.js");
    }

    private static async Task InstallAsync(string directory, ILogger logger, CancellationToken cancellationToken)
    {
        var installed = Path.Combine(directory, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(directory, "package-lock.json")))
        {
            return;
        }

        var npm = FindOnPath("npm") ?? throw new OldShopException(
            "'npm' was not found on PATH: it installs the Node app's packages (npm ci). Install npm with Node.js and run again.");
        logger.LogInformation("Installing the Node app's packages: npm ci in {Directory}", directory);
        var start = Command(npm, directory, "ci", "--no-audit", "--no-fund", "--loglevel=error");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        using var process = Process.Start(start) ?? throw new OldShopException("npm did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new OldShopException($"npm ci failed in {directory} with exit code {process.ExitCode}:\n{await output}{await errors}");
        }
    }
}
