using System.Text;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;
using CookieSession.Options;
using CookieSession.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CookieSession;

/// <summary>
/// Keeps the session in a signed cookie. Per request: the session is offered to the application (read
/// from the cookie on first use), and when the response starts, written back if it changed, deleted if
/// cleared, or left alone.
/// </summary>
internal sealed class CookieSessionMiddleware
{
    private static readonly Func<object, Task> s_onStarting = static state =>
    {
        Commit((SessionState)state);
        return Task.CompletedTask;
    };

    private readonly RequestDelegate _next;
    private readonly SessionSettings _settings;

    public CookieSessionMiddleware(
        RequestDelegate next,
        IOptions<CookieSessionOptions> options,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        _next = next;
        var value = options.Value;
        var logger = loggerFactory.CreateLogger<CookieSessionMiddleware>();
        var secrets = CookieSessionSecrets.Of(value.Secret, value.Secrets);
        for (var i = 0; i < secrets.Count; i++)
        {
            var length = Encoding.UTF8.GetByteCount(secrets[i]);
            if (length < CookieSessionDefaults.RecommendedSecretLength)
            {
                Log.ShortSecret(logger, i, length, CookieSessionDefaults.RecommendedSecretLength);
            }
        }

        var format = SessionCookieFormats.Create(value, secrets);
        _settings = new SessionSettings(value, format, logger, value.TimeProvider ?? timeProvider);
    }

    public async Task Invoke(HttpContext context)
    {
        var request = context.Request;
        var detached = !CookiePath.Matches(request.PathBase, request.Path, _settings.DefaultCookie.Path);
        var session = new SessionState(context, _settings, detached);
        if (detached)
        {
            Log.OutsidePath(_settings.Logger, _settings.DefaultCookie.Path);
        }
        else
        {
            context.Response.OnStarting(s_onStarting, session);
        }

        var features = context.Features;
        var previous = features.Get<ISessionFeature>();
        features.Set(session);
        features.Set<ISessionFeature>(session);
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            features.Set<SessionState>(null);
            features.Set(previous);
            session.RequestEnded();
        }
    }

    private static void Commit(SessionState session)
    {
        session.MarkResponseStarted();
        try
        {
            Write(session);
        }
        finally
        {
            session.Committed();
        }
    }

    private static void Write(SessionState session)
    {
        var settings = session.Settings;
        var options = settings.Options;
        var response = session.HttpContext.Response;
        var tls = RequestSecurity.IsTls(session.HttpContext.Request, options.TrustProxy);
        if (session.WasUsed)
        {
            AddVaryCookie(response);
        }

        if (session.IsCleared)
        {
            Log.SessionCleared(settings.Logger, settings.CookieName);
            settings.Format.Delete(response, BuildCookieOptions(session, tls, forDelete: true));
            MakeNotStorableBySharedCaches(response);
            return;
        }

        if (!session.IsLoaded && !options.Rolling && !options.SaveUninitialized)
        {
            // The application never looked at the session: nothing can have changed.
            return;
        }

        session.EnsureLoaded();
        if (session.IsNew && !session.IsPopulated && !options.SaveUninitialized)
        {
            return;
        }

        var cookie = session.ChangedCookie ?? settings.DefaultCookie;
        if (cookie.SecurePolicy == CookieSecurePolicy.Always && !tls)
        {
            Log.NotSecured(settings.Logger, settings.CookieName);
            return;
        }

        var buffer = default(PooledByteBuffer);
        try
        {
            ReadOnlySpan<byte> json;
            if (session.MayHaveChanged || session.IsNew)
            {
                buffer = new PooledByteBuffer(Math.Max(256, session.LoadedJson.Length + 64));
                session.Serialize(ref buffer);
                json = buffer.WrittenSpan;
                Log.Serializing(settings.Logger, json.Length);
            }
            else
            {
                json = session.LoadedJson;
            }

            var changed = session.IsNew || !json.SequenceEqual(session.LoadedJson);
            if (!changed && !options.Rolling && !session.SignedWithOlderSecret)
            {
                Log.UnmodifiedSession(settings.Logger, settings.CookieName);
                return;
            }

            if (!changed && session.SignedWithOlderSecret)
            {
                Log.ResigningWithCurrentSecret(settings.Logger, settings.CookieName);
            }

            if (!options.Cookie.IsEssential && session.HttpContext.Features.Get<ITrackingConsentFeature>() is { CanTrack: false })
            {
                Log.NoTrackingConsent(settings.Logger, settings.CookieName);
            }

            Log.SetCookie(settings.Logger, settings.CookieName);
            var cookieOptions = BuildCookieOptions(session, tls, forDelete: false);
            try
            {
                settings.Format.Write(response, json, cookieOptions);
            }
            catch (CookieSessionTooLargeException e)
            {
                Log.CookieTooLarge(settings.Logger, settings.CookieName, e.Size, e.Limit);
                throw;
            }

            MakeNotStorableBySharedCaches(response);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static CookieOptions BuildCookieOptions(SessionState session, bool tls, bool forDelete)
    {
        var settings = session.Settings;
        var builder = settings.Options.Cookie;
        var cookie = session.ChangedCookie ?? settings.DefaultCookie;
        var options = new CookieOptions
        {
            Path = cookie.Path,
            Domain = cookie.Domain,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite,
            IsEssential = builder.IsEssential,
            Secure = cookie.SecurePolicy switch
            {
                CookieSecurePolicy.Always => true,
                CookieSecurePolicy.None => false,
                _ => tls,
            },
        };

        if (!forDelete)
        {
            options.MaxAge = cookie.MaxAge;
            options.Expires = cookie.MaxAge is { } maxAge ? session.ArrivedAt + maxAge : cookie.Expires;
        }

        if (builder.Extensions.Count > 0)
        {
            foreach (var extension in builder.Extensions)
            {
                options.Extensions.Add(extension);
            }
        }

        return options;
    }

    private static void AddVaryCookie(HttpResponse response)
    {
        var vary = response.Headers.Vary;
        foreach (var value in vary)
        {
            if (value is not null && (value.Contains(HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase) || value.Contains('*')))
            {
                return;
            }
        }

        response.Headers.Append(HeaderNames.Vary, HeaderNames.Cookie);
    }

    /// <summary>
    /// A response carrying one user's session cookie must never be stored by a shared cache and served to
    /// others. Unless the application already forbade that (<c>no-store</c> or <c>private</c>), say so.
    /// </summary>
    private static void MakeNotStorableBySharedCaches(HttpResponse response)
    {
        foreach (var value in response.Headers.CacheControl)
        {
            if (value is not null
                && (value.Contains("no-store", StringComparison.OrdinalIgnoreCase) || value.Contains("private", StringComparison.OrdinalIgnoreCase)))
            {
                return;
            }
        }

        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
    }
}
