namespace CookieSession.Migration;

/// <summary>
/// Where the three parts listen and the secret the two apps share, from configuration (appsettings.json, environment
/// variables such as <c>Migration__Secret</c>, or the command line: <c>--Migration:NodePort=6000</c>).
/// </summary>
internal sealed record MigrationSettings(
    string FrontDoorUrls,
    string DotNetUrl,
    int NodePort,
    string Secret,
    bool UsingDevelopmentSecret,
    string? NodeDirectory)
{
    /// <summary>The front door's default address, used when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> is set.</summary>
    public const string DefaultFrontDoorUrl = "http://localhost:5080";

    // Development only: anyone who reads this file can forge sessions signed with it.
    private const string DevelopmentSecret = "development-only secret of the migration demo: set Migration:Secret";

    public static MigrationSettings From(IConfiguration configuration)
    {
        var secret = configuration["Migration:Secret"];
        var development = string.IsNullOrEmpty(secret);
        return new MigrationSettings(
            FrontDoorUrls: configuration["urls"] is { Length: > 0 } urls ? urls : DefaultFrontDoorUrl,
            DotNetUrl: configuration["Migration:DotNetUrl"] ?? "http://127.0.0.1:5081",
            NodePort: configuration.GetValue("Migration:NodePort", 5082),
            Secret: development ? DevelopmentSecret : secret!,
            UsingDevelopmentSecret: development,
            NodeDirectory: configuration["Migration:NodeDirectory"]);
    }
}
