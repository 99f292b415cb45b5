using System.Diagnostics;
using System.Security.Cryptography;

namespace CookieSession.Migration;

/// <summary>
/// The Rails half: <c>ruby rails/shop.rb</c>, a one-file Rails 6.1 app on webrick (Debian's ruby-rails and
/// ruby-webrick) keeping its session in Rails' CookieStore, the cookie <c>_shop_session</c>, with the demo's secret
/// as its <c>secret_key_base</c>.
/// </summary>
internal sealed class RailsShop : OldShop
{
    public override string Name => "Rails";

    public override string Description => "Rails (6.1 on webrick, its CookieStore)";

    public override string CookieName => "_shop_session";

    public override CookieSessionFormat Format => CookieSessionFormat.Rails;

    public override string CookieSummaryHtml =>
        "Rails&rsquo; encrypted cookie, <code>data--iv--tag</code>, AES-256-GCM under a key derived from the <code>secret_key_base</code> both apps share.";

    public override string InstallHint => "install Rails 6.1 and webrick (Debian: apt-get install ruby-rails ruby-webrick) and run again.";

    public override void ConfigureSession(CookieSessionOptions options, string secret)
    {
        base.ConfigureSession(options, secret);
        // Rails 5.2 to 6.1 derive the key with PBKDF2-SHA1; Rails 7's defaults use SHA-256, the option's default.
        options.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1;
    }

    public override Task<ProcessStartInfo> PrepareAsync(MigrationSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var ruby = FindOnPath("ruby") ?? throw new OldShopException("'ruby' was not found on PATH. The Rails backend runs with it: " + InstallHint);
        return Task.FromResult(Command(ruby, FindFolder("rails", "shop.rb"), "shop.rb"));
    }
}
