using System.Diagnostics;

namespace CookieSession.Migration;

/// <summary>
/// The Django half: <c>python3 django/shop.py</c>, a one-file Django 3.2 project (Debian's python3-django, under
/// Debian's python3) keeping its session in the signed_cookies backend's cookie <c>sessionid</c>, with the demo's
/// secret as its <c>SECRET_KEY</c>.
/// </summary>
internal sealed class DjangoShop : OldShop
{
    public override string Name => "Django";

    public override string Description => "Django (3.2, its signed_cookies session backend)";

    public override string CookieName => CookieSessionDefaults.DjangoCookieName;

    public override CookieSessionFormat Format => CookieSessionFormat.Django;

    public override string CookieSummaryHtml =>
        "<code>signing.dumps</code>&rsquo; JSON (zlib when shorter), a timestamp and an HMAC-SHA256 under the <code>SECRET_KEY</code> both apps share.";

    public override string InstallHint => "install Django (Debian: apt-get install python3-django) and run again.";

    public override Task<ProcessStartInfo> PrepareAsync(MigrationSettings settings, ILogger logger, CancellationToken cancellationToken)
        => Task.FromResult(Command(FindPython(), FindFolder("django", "shop.py"), "shop.py"));
}
