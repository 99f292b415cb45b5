namespace CookieSession.Migration;

/// <summary>
/// Which framework the shop moves from, where the three parts listen and the secret the two apps share, from
/// configuration (appsettings.json, environment variables such as <c>Migration__Secret</c>, or the command line:
/// <c>--Migration:Backend=Rails</c>, <c>--Migration:OldAppPort=6000</c>).
/// </summary>
internal sealed record MigrationSettings(
    MigrationBackend Backend,
    string FrontDoorUrls,
    string DotNetUrl,
    int OldAppPort,
    string Secret,
    bool UsingDevelopmentSecret,
    string? NodeDirectory)
{
    /// <summary>The front door's default address, used when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> is set.</summary>
    public const string DefaultFrontDoorUrl = "http://localhost:5080";

    // Development only: anyone who reads this file can forge sessions signed with it.
    private const string DevelopmentSecret = "development-only secret of the migration demo: set Migration:Secret";

    /// <summary>The settings in <paramref name="configuration"/>; an unknown backend throws, naming the choices.</summary>
    public static MigrationSettings From(IConfiguration configuration)
    {
        var backend = MigrationBackend.Node;
        if (configuration["Migration:Backend"] is { Length: > 0 } name
            && !(Enum.TryParse(name, ignoreCase: true, out backend) && Enum.IsDefined(backend)))
        {
            throw new ArgumentException(
                $"Migration:Backend is '{name}': it must be one of {string.Join(", ", Enum.GetNames<MigrationBackend>())} (default Node).");
        }

        var secret = configuration["Migration:Secret"];
        var development = string.IsNullOrEmpty(secret);
        return new MigrationSettings(
            Backend: backend,
            FrontDoorUrls: configuration["urls"] is { Length: > 0 } urls ? urls : DefaultFrontDoorUrl,
            DotNetUrl: configuration["Migration:DotNetUrl"] ?? "http://127.0.0.1:5081",
            OldAppPort: configuration.GetValue("Migration:OldAppPort", 5082),
            Secret: development ? DevelopmentSecret : secret!,
            UsingDevelopmentSecret: development,
            NodeDirectory: configuration["Migration:NodeDirectory"]);
    }
}
