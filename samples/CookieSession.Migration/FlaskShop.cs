using System.Diagnostics;

namespace CookieSession.Migration;

/// <summary>
/// The Flask half: <c>python3 flask/shop.py</c>, a one-file Flask 2.2 app (Debian's python3-flask, under Debian's
/// python3) keeping its session in Flask's signed cookie <c>session</c>, with the demo's secret as its <c>SECRET_KEY</c>.
/// </summary>
internal sealed class FlaskShop : OldShop
{
    public override string Name => "Flask";

    public override string Description => "Flask (2.2 on werkzeug, its signed cookie session)";

    public override string CookieName => CookieSessionDefaults.FlaskCookieName;

    public override CookieSessionFormat Format => CookieSessionFormat.Flask;

    public override string CookieSummaryHtml =>
        "itsdangerous&rsquo; signed JSON (zlib when shorter), a timestamp and an HMAC-SHA1 under the <code>SECRET_KEY</code> both apps share.";

    public override string InstallHint => "install Flask (Debian: apt-get install python3-flask) and run again.";

    public override Task<ProcessStartInfo> PrepareAsync(MigrationSettings settings, ILogger logger, CancellationToken cancellationToken)
        => Task.FromResult(Command(FindPython(), FindFolder("flask", "shop.py"), "shop.py"));
}
