using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Session;

/// <summary>
/// What happens to the session cookie as the response starts: the one place that decides the
/// <see cref="SessionOutcome"/>, logs it, and carries it out through the format.
/// </summary>
internal static class SessionCommit
{
    /// <summary>The CHIPS attribute, as browsers read it.</summary>
    private const string PartitionedAttribute = "partitioned";

    public static void Run(SessionState session)
    {
        var buffer = default(PooledByteBuffer);
        try
        {
            if (session.Stage == SessionStage.Abandoned)
            {
                // The request failed: what it changed is not saved.
                return;
            }

            var outcome = Decide(session, ref buffer, out var index, out var tls);
            Apply(session, outcome, buffer.WrittenSpan, index, tls);
        }
        finally
        {
            buffer.Dispose();
            session.MarkCommitted();
        }
    }

    /// <summary>
    /// Decides the outcome. For <see cref="SessionOutcome.Written"/> and <see cref="SessionOutcome.Renewed"/>,
    /// <paramref name="json"/> holds what to write when the session was serialized (else the loaded JSON stands).
    /// </summary>
    private static SessionOutcome Decide(SessionState session, ref PooledByteBuffer json, out int[]? index, out bool tls)
    {
        var settings = session.Settings;
        var options = settings.Options;
        tls = false;
        index = null;
        if (!session.WasUsed && !options.SaveUninitialized)
        {
            return SessionOutcome.Unused;
        }

        var data = session.Data;
        if (session.DeletesCookie && data.Count == 0)
        {
            // Cleared, and nothing stored since (or stored and removed again): the old cookie must go.
            return IsSecured(session, out tls) ? SessionOutcome.Deleted : SessionOutcome.NotSecured;
        }

        if (data.IsNew && data.Count == 0 && !options.SaveUninitialized)
        {
            return SessionOutcome.Empty;
        }

        var changed = data.IsNew;
        if (data.MayHaveChanged || data.IsNew)
        {
            json = new PooledByteBuffer(Math.Max(256, data.LoadedJson.Length + 64));
            data.Serialize(ref json, withIndex: true, out index);
            changed |= !json.WrittenSpan.SequenceEqual(data.LoadedJson);
        }

        var write = changed
            || (session.ChangedCookie is { } changedCookie && !changedCookie.HasSameSettings(settings.DefaultCookie));
        var renew = session.WasUsed && (options.Rolling || session.Read.NeedsRenewal || session.RenewRequested);
        if (!write && !renew)
        {
            return SessionOutcome.Unchanged;
        }

        if (!IsSecured(session, out tls))
        {
            return SessionOutcome.NotSecured;
        }

        return write ? SessionOutcome.Written : SessionOutcome.Renewed;
    }

    /// <summary>
    /// Whether the cookie may be sent on this response (not one that must be <c>Secure</c> on a request that did not
    /// come over TLS); asked only of a response that sends it, since reading the scheme has its cost.
    /// </summary>
    private static bool IsSecured(SessionState session, out bool tls)
    {
        var cookie = session.ChangedCookie ?? session.Settings.DefaultCookie;
        tls = RequestSecurity.IsTls(session.HttpContext.Request, session.Settings.Options.TrustProxy);
        return cookie.SecurePolicy != CookieSecurePolicy.Always || tls;
    }

    private static void Apply(SessionState session, SessionOutcome outcome, ReadOnlySpan<byte> serialized, int[]? index, bool tls)
    {
        var settings = session.Settings;
        var response = session.HttpContext.Response;
        if (session.WasUsed)
        {
            AddVaryCookie(response);
        }

        switch (outcome)
        {
            case SessionOutcome.Deleted:
                Log.SessionCleared(settings.Logger, settings.CookieName);
                settings.Format.Delete(response, BuildCookieOptions(session, tls, forDelete: true, default));
                settings.Metrics?.Deleted(settings.Options.Format);
                MakeNotStorableBySharedCaches(response);
                break;
            case SessionOutcome.NotSecured:
                Log.NotSecured(settings.Logger, settings.CookieName);
                break;
            case SessionOutcome.Unchanged:
                Log.UnmodifiedSession(settings.Logger, settings.CookieName);
                break;
            case SessionOutcome.Written or SessionOutcome.Renewed:
                var json = serialized.IsEmpty ? session.Data.LoadedJson : serialized;
                index = serialized.IsEmpty ? session.Data.LoadedIndex : index;
                if (outcome == SessionOutcome.Renewed)
                {
                    Log.Renewing(settings.Logger, settings.CookieName, session.RenewRequested ? "OnValidateSession asked"
                        : settings.Options.Rolling ? "Rolling"
                        : session.Read.Times is null ? "an older secret signed it"
                        : "its key is no longer the default, or half its idle time passed");
                }
                else
                {
                    Log.SetCookie(settings.Logger, settings.CookieName, json.Length);
                }

                // Max-Age becomes Expires from the moment the cookie is written, as cookie-session does.
                var now = settings.TimeProvider.GetUtcNow();
                var cookieOptions = BuildCookieOptions(session, tls, forDelete: false, now);
                var withheld = SetCookieWriter.IsWithheld(session.HttpContext, cookieOptions);
                if (withheld)
                {
                    Log.NoTrackingConsent(settings.Logger, settings.CookieName);
                }

                var times = new SessionTimes(session.Read.Times?.CreatedAt ?? now, now);
                var headersBefore = response.Headers.SetCookie.Count;
                try
                {
                    settings.Format.Write(response, json, index, times, cookieOptions);
                }
                catch (CookieSessionTooLargeException e)
                {
                    Log.CookieTooLarge(settings.Logger, settings.CookieName, e.Size, e.Limit);
                    throw;
                }

                // A cookie the cookie policy withheld for lack of consent was not written: it is not counted as such.
                if (settings.Metrics is { } metrics && !withheld)
                {
                    metrics.Written(settings.Options.Format, outcome == SessionOutcome.Renewed, metrics.MeasuresSize ? SizeOfHeadersSince(response, headersBefore) : 0);
                }

                MakeNotStorableBySharedCaches(response);
                break;
        }
    }

    /// <summary>The bytes of the Set-Cookie headers appended since there were <paramref name="before"/> of them.</summary>
    private static int SizeOfHeadersSince(HttpResponse response, int before)
    {
        var size = 0;
        var headers = response.Headers.SetCookie;
        for (var i = before; i < headers.Count; i++)
        {
            size += headers[i]?.Length ?? 0;
        }

        return size;
    }

    private static CookieOptions BuildCookieOptions(SessionState session, bool tls, bool forDelete, DateTimeOffset now)
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
            options.Expires = cookie.MaxAge is { } maxAge ? now + maxAge : cookie.Expires;
        }

        if (settings.Options.Partitioned && options.Secure)
        {
            // Browsers refuse Partitioned without Secure (a response that set SecurePolicy None goes unpartitioned).
            // CHIPS; ASP.NET's CookieOptions has no property for it (aspnetcore#53224).
            options.Extensions.Add(PartitionedAttribute);
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
        var headers = response.Headers;
        var vary = headers.Vary;
        if (vary.Count == 0)
        {
            headers.Vary = HeaderNames.Cookie;
            return;
        }

        foreach (var value in vary)
        {
            if (value is not null && (value.Contains(HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase) || value.Contains('*')))
            {
                return;
            }
        }

        headers.Vary = StringValues.Concat(vary, HeaderNames.Cookie);
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
