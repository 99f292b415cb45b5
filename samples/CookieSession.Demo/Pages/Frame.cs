using CookieSession.Demo.Account;
using CookieSession.Demo.Diagnostics;
using CookieSession.Demo.Shop;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace CookieSession.Demo.Pages;

/// <summary>What every page shows around its content: the format, who is signed in, the cart, messages, and a refused cookie.</summary>
internal sealed class Frame
{
    private Frame(HttpContext context, CookieSessionOptions options, DemoSettings settings, ICookieSession session, bool takeFlashes)
    {
        Settings = settings;
        CookieName = options.Cookie.Name!;
        Session = session;

        // Reading the session first: that is when the library reads the cookie, and counts it if it refuses it.
        User = session.User();
        Rejection = RejectionListener.ReasonFor(context);
        CartCount = session.ItemCount();
        Flashes = takeFlashes ? session.Take() : [];
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        AntiforgeryField = $"""<input type="hidden" name="{Html.E(tokens.FormFieldName)}" value="{Html.E(tokens.RequestToken)}">""";
    }

    public DemoSettings Settings { get; }

    public CookieSessionFormat Format => Settings.Format;

    public string CookieName { get; }

    public ICookieSession Session { get; }

    public string? User { get; }

    /// <summary>Why the library refused the cookie this request brought (its metrics' reason); <see langword="null"/> when it did not.</summary>
    public string? Rejection { get; }

    public int CartCount { get; }

    public IReadOnlyList<FlashMessage> Flashes { get; }

    /// <summary>The hidden field every form of the page posts.</summary>
    public string AntiforgeryField { get; }

    /// <summary>The frame of a page; <paramref name="takeFlashes"/> false leaves waiting messages for the next page.</summary>
    public static Frame For(HttpContext context, bool takeFlashes = true)
    {
        var services = context.RequestServices;
        return new Frame(
            context,
            services.GetRequiredService<IOptions<CookieSessionOptions>>().Value,
            services.GetRequiredService<DemoSettings>(),
            context.GetCookieSession(),
            takeFlashes);
    }
}
