using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Tests.Properties;

/// <summary>A property that did not hold: <see cref="Signature"/> groups failures of one cause, <see cref="Detail"/> is this one's evidence.</summary>
internal sealed record FuzzFailure(string Signature, string Detail);

/// <summary>
/// Sends one generated case through the middleware (<see cref="MiddlewareHarness"/>) with a handler that uses the
/// session through every reading API, then checks the error boundary: the request succeeds, the session is either
/// the cookie's or empty, an empty one that came with a session cookie was logged as rejected with a reason and
/// without the value, and a loaded one, changed and written back, reads back as the very JSON written.
/// </summary>
internal sealed class CookieFuzzer : IDisposable
{
    /// <summary>The key the handler stores, so that every request writes a cookie that can be read back.</summary>
    public const string MarkerKey = "fuzz";

    /// <summary>Event id of <c>CookieRejected</c> (stable, README "Logging").</summary>
    public const int CookieRejectedEventId = 6;

    private const string ProfileHeader = "X-Fuzz-Profile";
    private const string MarkerHeader = "X-Fuzz-Marker";
    private const string PhaseHeader = "X-Fuzz-Phase";

    private readonly MiddlewareHarness _harness;

    public CookieFuzzer(FuzzFormat format)
    {
        Format = format;
        _harness = new MiddlewareHarness(Handle, format.Configure, format.ConfigureServices);
    }

    public FuzzFormat Format { get; }

    /// <summary>How the cases ended: <c>loaded</c>, <c>no cookie</c>, or <c>rejected (Reason)</c>, with counts.</summary>
    public SortedDictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The handler: even cases (<c>tree</c>) read every value as a live node and through <c>HttpContext.Session</c>,
    /// which builds the session's tree and rewrites it whole; odd cases (<c>raw</c>) read values in place and change
    /// two keys, which rewrites only those. Both read every key as string, int, long, double, bool and node first.
    /// </summary>
    public static Task Handle(HttpContext context)
    {
        var headers = context.Request.Headers;
        var tree = headers[ProfileHeader] == "tree";
        var marker = int.Parse(headers[MarkerHeader]!, CultureInfo.InvariantCulture);
        var session = context.GetCookieSession();
        var seen = new Observation();
        context.Items[typeof(Observation)] = seen;

        seen.IsNew = session.IsNew;
        seen.Keys = session.Keys.ToList();
        seen.IsPopulated = session.IsPopulated;
        _ = session.IsChanged;
        if (headers[PhaseHeader] == "again")
        {
            // Reading back what the first request wrote, the same way, then storing the same marker: nothing changes.
            foreach (var key in seen.Keys)
            {
                _ = tree ? session[key] : session.Get<JsonNode>(key);
            }

            session.Set(MarkerKey, marker);
            seen.Completed = true;
            return Task.CompletedTask;
        }

        foreach (var key in seen.Keys)
        {
            ReadAs<string>(session, key);
            ReadAs<int>(session, key);
            ReadAs<long>(session, key);
            ReadAs<double>(session, key);
            ReadAs<bool>(session, key);
            _ = session.Get<JsonNode>(key);
        }

        if (tree)
        {
            foreach (var key in seen.Keys)
            {
                _ = session[key];
            }

            var aspNet = context.Session;
            seen.AspNetKeys = aspNet.Keys.ToList();
            foreach (var key in seen.Keys)
            {
                _ = aspNet.GetString(key);
                _ = aspNet.GetInt32(key);
            }
        }
        else if (seen.Keys.Count > 1)
        {
            session.Remove(seen.Keys[0]);
            var last = seen.Keys[^1];
            session.Set(last, session.Get<JsonNode>(last));
        }

        session.Set(MarkerKey, marker);
        seen.KeysAfter = session.Keys.ToList();
        seen.Completed = true;
        return Task.CompletedTask;
    }

    /// <summary>Runs the case; null when every property held.</summary>
    public async Task<FuzzFailure?> RunAsync(FuzzCase c, bool record = true)
    {
        var profile = c.Index % 2 == 0 ? "tree" : "raw";
        var marker = 1_000_000 + c.Index;
        var first = await _harness.SendAsync(new StringValues([.. c.Headers]), RequestHeaders(profile, marker, "first"));
        if (first.Exception is not null)
        {
            return Thrown(first.Exception, string.Empty);
        }

        if (first.StatusCode != StatusCodes.Status200OK)
        {
            return new($"status {first.StatusCode}", string.Empty);
        }

        if (first.Items.TryGetValue(typeof(Observation), out var item) is false || item is not Observation { Completed: true } seen)
        {
            return new("the handler did not run to its end", string.Empty);
        }

        var rejections = first.Logs.Where(l => l.Id.Id == CookieRejectedEventId).ToList();
        if (record)
        {
            var outcome = !seen.IsNew ? "loaded" : rejections.Count > 0 ? "rejected " + Reason(rejections[0]) : "no cookie";
            Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
        }

        if (rejections.Count > 1)
        {
            return new("more than one CookieRejected for one request", string.Join(" | ", rejections.Select(l => l.Message)));
        }

        if (rejections.Any(l => l.Id.Name != "CookieRejected"))
        {
            return new("event 6 is not named CookieRejected", rejections[0].Id.ToString());
        }

        if (Leak(c, first.Logs) is { } leak)
        {
            return leak;
        }

        if (seen.IsPopulated != seen.Keys.Count > 0)
        {
            return new("IsPopulated disagrees with Keys", $"IsPopulated={seen.IsPopulated}, {seen.Keys.Count} keys");
        }

        // The same keys either way. (Their order may differ: KeyOrderTests checks the order.)
        if (seen.AspNetKeys is not null && !seen.AspNetKeys.Order(StringComparer.Ordinal).SequenceEqual(seen.Keys.Order(StringComparer.Ordinal)))
        {
            return new("HttpContext.Session.Keys and Keys are not the same keys", string.Empty);
        }

        var present = CookieGenerators.FirstValue(c.Headers, Format.PrimaryCookie) is not null;
        return seen.IsNew
            ? CheckEmpty(c, first, seen, rejections, present, marker)
            : await CheckLoadedAsync(c, first, seen, rejections, profile, marker);
    }

    /// <summary>
    /// Shrinks a failing case while it fails for the same cause: the signed JSON when the case has one, else the
    /// Cookie headers, by deleting ever smaller chunks. The generator's certainties are dropped while shrinking,
    /// so a failure that rests on them (a valid session not loaded) is left as found.
    /// </summary>
    public async Task<FuzzCase> ShrinkAsync(FuzzCase c, FuzzFailure failure, string secret, int budget = 3000)
    {
        async Task<bool> Fails(FuzzCase candidate)
        {
            budget--;
            return (await RunAsync(candidate, record: false))?.Signature == failure.Signature;
        }

        if (c.Json is { } json)
        {
            var current = json;
            if (!await Fails(CookieGenerators.WithJson(c, Format, current, secret)))
            {
                return c;
            }

            for (var chunk = Math.Max(1, current.Length / 2); chunk >= 1 && budget > 0; chunk /= 2)
            {
                for (var start = 0; start + chunk <= current.Length && budget > 0;)
                {
                    byte[] candidate = [.. current.AsSpan(0, start), .. current.AsSpan(start + chunk)];
                    if (await Fails(CookieGenerators.WithJson(c, Format, candidate, secret)))
                    {
                        current = candidate;
                    }
                    else
                    {
                        start += chunk;
                    }
                }
            }

            return CookieGenerators.WithJson(c, Format, current, secret);
        }

        var headers = c.Headers.ToList();
        var plain = c with { MustLoad = false, MustReject = false };
        if (!await Fails(plain))
        {
            return c;
        }

        for (var h = 0; h < headers.Count && budget > 0; h++)
        {
            var text = headers[h];
            for (var chunk = Math.Max(1, text.Length / 2); chunk >= 1 && budget > 0; chunk /= 2)
            {
                for (var start = 0; start + chunk <= text.Length && budget > 0;)
                {
                    var candidate = text.Remove(start, chunk);
                    var trial = headers.ToList();
                    trial[h] = candidate;
                    if (await Fails(plain with { Headers = trial }))
                    {
                        text = candidate;
                        headers = trial;
                    }
                    else
                    {
                        start += chunk;
                    }
                }
            }
        }

        return plain with { Headers = headers };
    }

    public void Dispose() => _harness.Dispose();

    private FuzzFailure? CheckEmpty(FuzzCase c, HarnessResponse first, Observation seen, List<FakeLogRecord> rejections, bool present, int marker)
    {
        if (seen.Keys.Count > 0)
        {
            return new("a new session is not empty", string.Join(",", seen.Keys));
        }

        if (present && rejections.Count == 0)
        {
            return new("a session cookie came, the session is empty, and no CookieRejected was logged", string.Empty);
        }

        if (!present && rejections.Count > 0)
        {
            return new("CookieRejected logged for a request without the session cookie", rejections[0].Message);
        }

        if (c.MustLoad)
        {
            return new("a valid signed session was not loaded", rejections.FirstOrDefault()?.Message ?? "no log");
        }

        // The empty session, with the marker stored, is written as a fresh cookie holding only the marker.
        var written = Format.ReadJson(first.SetCookieHeaders, SessionTestHost.Secret);
        var expected = $"{{\"{MarkerKey}\":{marker}}}";
        return written is not null && Encoding.UTF8.GetString(written) == expected
            ? null
            : new("the new session was not written as a fresh cookie holding only what the handler stored", string.Join(" | ", first.SetCookieHeaders));
    }

    private async Task<FuzzFailure?> CheckLoadedAsync(FuzzCase c, HarnessResponse first, Observation seen, List<FakeLogRecord> rejections, string profile, int marker)
    {
        if (rejections.Count > 0)
        {
            return new("the session loaded, and a CookieRejected was logged", rejections[0].Message);
        }

        if (c.MustReject)
        {
            return new("a cookie that must be refused was loaded", string.Join(",", seen.Keys));
        }

        var written = Format.ReadJson(first.SetCookieHeaders, SessionTestHost.Secret);
        if (written is null)
        {
            return new("the changed session was not written as a validly signed cookie", string.Join(" | ", first.SetCookieHeaders));
        }

        var again = await _harness.SendAsync(first.CookiesToSend(), RequestHeaders(profile, marker, "again"));
        var writtenText = FuzzCase.Literal(written);
        if (again.Exception is not null)
        {
            return Thrown(again.Exception, "reading back what was written: ");
        }

        if (again.StatusCode != StatusCodes.Status200OK || again.Items[typeof(Observation)] is not Observation { Completed: true } reread)
        {
            return new("reading back what was written: the request failed", writtenText);
        }

        if (reread.IsNew || again.Logs.Any(l => l.Id.Id == CookieRejectedEventId))
        {
            return new("what was written does not load again", writtenText + " " + string.Join(" | ", again.Logs.Select(l => l.Message)));
        }

        if (!reread.Keys.SequenceEqual(seen.KeysAfter))
        {
            return new("what was written loads with other keys", $"{writtenText}: [{string.Join(",", seen.KeysAfter)}] then [{string.Join(",", reread.Keys)}]");
        }

        if (again.SetCookieHeaders.Count > 0)
        {
            var rewritten = Format.ReadJson(again.SetCookieHeaders, SessionTestHost.Secret);
            return new("what was written reads back as other JSON", $"wrote {writtenText}, re-serialized as {(rewritten is null ? "?" : FuzzCase.Literal(rewritten))}");
        }

        return null;
    }

    /// <summary>No log line of the request carries a cookie value, its decoded form or the signed JSON (of 8 characters or more).</summary>
    private static FuzzFailure? Leak(FuzzCase c, IReadOnlyList<FakeLogRecord> logs)
    {
        if (logs.Count == 0)
        {
            return null;
        }

        var secrets = new List<string>();
        foreach (var header in c.Headers)
        {
            foreach (var pair in header.Split(';'))
            {
                var value = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim(' ', '\t', '"');
                secrets.Add(value);
                secrets.Add(Uri.UnescapeDataString(value));
            }
        }

        if (c.Json is not null)
        {
            secrets.Add(Encoding.UTF8.GetString(c.Json));
        }

        foreach (var record in logs)
        {
            foreach (var secret in secrets)
            {
                if (secret.Length >= 8 && record.Message.Contains(secret, StringComparison.Ordinal))
                {
                    return new($"the log line {record.Id.Name} carries a cookie value", record.Message);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Grouped by the exception's type, the frame that threw, the library's frame nearest to it, and the library
    /// member the handler (or the server, for OnStarting) called: one group per cause and way in.
    /// </summary>
    private static FuzzFailure Thrown(Exception e, string prefix)
    {
        var frames = new StackTrace(e, fNeedFileInfo: false).GetFrames();
        static bool IsLibrary(StackFrame f) => f.GetMethod()?.DeclaringType?.FullName is { } name
            && name.StartsWith("CookieSession.", StringComparison.Ordinal) && !name.StartsWith("CookieSession.Tests.", StringComparison.Ordinal);
        var library = frames.FirstOrDefault(IsLibrary);
        var caller = Array.FindIndex(frames, f => f.GetMethod()?.DeclaringType?.FullName?.StartsWith("CookieSession.Tests.", StringComparison.Ordinal) == true);
        var entry = frames.Take(caller < 0 ? frames.Length : caller).LastOrDefault(IsLibrary);
        var text = e.ToString().Split('\n');
        return new(
            $"{prefix}{e.GetType().FullName} thrown at {Method(frames.FirstOrDefault())}, from {Method(library)}, called through {Method(entry)}",
            string.Join('\n', text.Take(14)));
    }

    private static string Method(StackFrame? frame)
        => frame?.GetMethod() is { } method ? $"{method.DeclaringType?.FullName}.{method.Name}" : "?";

    private static string Reason(FakeLogRecord record)
    {
        var message = record.Message;
        var open = message.IndexOf('(', StringComparison.Ordinal);
        var close = message.IndexOf(')', open + 1);
        return open >= 0 && close > open ? message[(open + 1)..close] : "?";
    }

    private static KeyValuePair<string, string>[] RequestHeaders(string profile, int marker, string phase) =>
    [
        new(ProfileHeader, profile),
        new(MarkerHeader, marker.ToString(CultureInfo.InvariantCulture)),
        new(PhaseHeader, phase),
    ];

    /// <summary>A value of another type is the application's mistake, reported as documented: JsonException.</summary>
    private static void ReadAs<T>(ICookieSession session, string key)
    {
        try
        {
            _ = session.Get<T>(key);
        }
        catch (JsonException)
        {
        }
    }

    private sealed class Observation
    {
        public bool Completed { get; set; }

        public bool IsNew { get; set; }

        public bool IsPopulated { get; set; }

        public List<string> Keys { get; set; } = [];

        public List<string> KeysAfter { get; set; } = [];

        public List<string>? AspNetKeys { get; set; }
    }
}
