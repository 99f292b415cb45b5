using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Properties;

/// <summary>
/// The error boundary, as properties over generated cookies: no cookie content causes a 500; whatever fails while
/// decoding, verifying or parsing a cookie becomes an empty session and a CookieRejected log with its reason, never
/// the value; a session that loads, changed and written back, reads back as the JSON written.
/// </summary>
/// <remarks>
/// Reproducible: every case comes from a fixed seed (<see cref="DefaultSeed"/>, or <c>COOKIESESSION_FUZZ_SEED</c>)
/// and its index. <c>COOKIESESSION_FUZZ_CASES</c> sets the cases per class and format (default
/// <see cref="DefaultCases"/>) for a long run. A failure lists each distinct cause once, with its smallest input.
/// </remarks>
public sealed class CookieFuzzTests(ITestOutputHelper output)
{
    public const int DefaultSeed = 20_260_102;

    public const int DefaultCases = 1500;

    public static TheoryData<string> Formats() => new(FuzzFormats.All.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Formats))]
    public Task Read_RandomCookieValue_NeverFailsAndRejectsWithReason(string format)
        => RunAsync(format, CaseClass.RandomValue, outcomes =>
        {
            Assert.True(Count(outcomes, "rejected ") > 0, "no random value was rejected");
            Assert.True(Distinct(outcomes, "rejected ") >= 3, "random values met fewer than three reasons for rejection");
        });

    [Theory]
    [MemberData(nameof(Formats))]
    public Task Read_MutatedValidCookie_NeverFailsAndLoadsOrRejects(string format)
        => RunAsync(format, CaseClass.MutatedCookie, outcomes =>
        {
            Assert.True(Count(outcomes, "rejected " + FuzzFormats.Named(format).TamperedReason) > 0, "no mutation broke a signature");
            Assert.True(Count(outcomes, "loaded") > 0, "no mutation left the cookie readable (an escape re-cased, quotes, white space)");
        });

    [Theory]
    [MemberData(nameof(Formats))]
    public Task Read_SignedRandomJson_NeverFailsAndLoadsOrRejectsAsNotJsonObject(string format)
        => RunAsync(format, CaseClass.SignedJson, outcomes =>
        {
            // The cases must get past the signature: to the parser and the session's readers.
            Assert.True(Count(outcomes, "loaded") > Total(outcomes) / 5, "too few signed cases loaded");
            Assert.True(Count(outcomes, "rejected NotJsonObject") > Total(outcomes) / 10, "too few signed cases reached the JSON check");
        });

    [Theory]
    [MemberData(nameof(Formats))]
    public Task Read_SeveralCookieHeaders_FirstCookieOfEachNameDecides(string format)
        => RunAsync(format, CaseClass.SeveralHeaders, outcomes =>
        {
            Assert.True(Count(outcomes, "loaded") > 0, "no case loaded");
            Assert.True(Count(outcomes, "rejected ") > 0, "no case was rejected");
        });

    /// <summary>Signed JSON that <c>JSON.parse</c> accepts and a reader could trip over, kept as fixed cases.</summary>
    [Theory]
    // A lone surrogate escape in a key: only a tree reads the session, and its keys are strings.
    [InlineData("Connect", """{"\ud83d":1}""")]
    [InlineData("Connect", """{"\udc00":1}""")]
    [InlineData("ExpressCookieSession", """{"\ud83d":1}""")]
    // A lone surrogate escape in a value, at the top, in an array or in a nested object.
    [InlineData("Connect", """{"a":"\ud83d"}""")]
    [InlineData("Connect", """{"a":"\udc3d"}""")]
    [InlineData("Connect", """{"a":["\ude00"]}""")]
    [InlineData("Connect", """{"a":{"\udbff":0}}""")]
    [InlineData("ExpressCookieSession", """{"a":"\ud83d"}""")]
    // A number beyond a double in a session read as a tree (its key is escaped): JavaScript holds it as Infinity.
    [InlineData("Connect", """{"\u0061":1e400}""")]
    [InlineData("ExpressCookieSession", """{"\u0061":1e400}""")]
    public async Task Read_SignedJsonThatJsonParseAccepts_NeverFails(string format, string json)
    {
        using var fuzzer = new CookieFuzzer(FuzzFormats.Named(format));
        var bytes = Encoding.UTF8.GetBytes(json);
        var headers = new[] { CookieGenerators.Join(fuzzer.Format.Sign(bytes, SessionTestHost.Secret)) };

        // Index 0 reads through the tree (indexer, HttpContext.Session), index 1 in place.
        var tree = await fuzzer.RunAsync(new FuzzCase(CaseClass.SignedJson, 0, headers) { Json = bytes });
        var raw = await fuzzer.RunAsync(new FuzzCase(CaseClass.SignedJson, 1, headers) { Json = bytes });

        Assert.True(tree is null, $"{tree?.Signature}\n{tree?.Detail}");
        Assert.True(raw is null, $"{raw?.Signature}\n{raw?.Detail}");
    }

    public static TheoryData<string, string> SessionApiCases() => new()
    {
        { """{"\ud83d":1}""", "IsNew" },
        { """{"\ud83d":1}""", "Keys" },
        { """{"a":"\ud83d"}""", "Get<string>" },
        { """{"a":"\ud83d"}""", "Get<JsonNode>" },
        { """{"a":"\ud83d"}""", "indexer" },
        { """{"a":"\ud83d"}""", "Session.GetString" },
        { """{"a":"\ud83d"}""", "Keys, Set" },
        { """{"a":1e400}""", "indexer, Get<int>" },
        { """{"a":1e400}""", "indexer, Get<string>" },
        { """{"a":[1e400]}""", "indexer, Get<JsonNode>" },
    };

    [Theory]
    [MemberData(nameof(SessionApiCases))]
    public async Task SessionApi_OnSignedJsonThatJsonParseAccepts_Answers200(string json, string api)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            foreach (var step in api.Split(", "))
            {
                Use(context, session, step);
            }

            await context.Response.WriteAsync(session.IsNew ? "new" : "loaded");
        });

        // The test server hands the application's exception to the client, where Kestrel would answer 500.
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        var rejections = host.LogsOf("CookieRejected");
        if (transaction.Body == "new")
        {
            Assert.Single(rejections);
        }
        else
        {
            Assert.Equal("loaded", transaction.Body);
            Assert.Empty(rejections);
        }
    }

    internal static int Seed => int.TryParse(Environment.GetEnvironmentVariable("COOKIESESSION_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    internal static int Cases => int.TryParse(Environment.GetEnvironmentVariable("COOKIESESSION_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cases) && cases > 0 ? cases : DefaultCases;

    private async Task RunAsync(string formatName, CaseClass caseClass, Action<IReadOnlyDictionary<string, int>> coverage)
    {
        var format = FuzzFormats.Named(formatName);
        var (seed, cases) = (Seed, Cases);
        using var fuzzer = new CookieFuzzer(format);
        var failures = new Dictionary<string, (FuzzCase Case, FuzzFailure Failure, int Count)>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var c = CookieGenerators.Generate(format, caseClass, i, seed, SessionTestHost.Secret);
            if (await fuzzer.RunAsync(c) is not { } failure)
            {
                continue;
            }

            // Keep the smallest case of each cause.
            if (!failures.TryGetValue(failure.Signature, out var known))
            {
                failures[failure.Signature] = (c, failure, 1);
            }
            else
            {
                failures[failure.Signature] = Size(c) < Size(known.Case) ? (c, failure, known.Count + 1) : known with { Count = known.Count + 1 };
            }
        }

        clock.Stop();
        output.WriteLine($"{format.Name} {caseClass}: {cases} cases in {clock.Elapsed.TotalSeconds:0.00} s (seed {seed})");
        foreach (var (outcome, count) in fuzzer.Outcomes)
        {
            output.WriteLine($"  {outcome}: {count}");
        }

        if (failures.Count > 0)
        {
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"{failures.Values.Sum(f => f.Count)} of {cases} {caseClass} cases failed for {format.Name} (seed {seed}; COOKIESESSION_FUZZ_SEED and COOKIESESSION_FUZZ_CASES change it); {failures.Count} distinct causes:");
            var n = 0;
            foreach (var (signature, (c, failure, count)) in failures.OrderByDescending(f => f.Value.Count).Take(12))
            {
                var minimal = await fuzzer.ShrinkAsync(c, failure, SessionTestHost.Secret);
                report.AppendLine(CultureInfo.InvariantCulture, $"[{++n}] {signature} ({count} cases; first smallest: case #{c.Index})");
                report.AppendLine(CultureInfo.InvariantCulture, $"    shrunk: {minimal.Describe().Replace("\n", "\n    ", StringComparison.Ordinal)}");
                if (!ReferenceEquals(minimal, c))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"    as generated: {c.Describe().Replace("\n", "\n    ", StringComparison.Ordinal)}");
                }

                report.AppendLine(CultureInfo.InvariantCulture, $"    {failure.Detail.Replace("\n", "\n    ", StringComparison.Ordinal)}");
            }

            output.WriteLine(report.ToString());
            Assert.Fail(report.ToString());
        }

        coverage(fuzzer.Outcomes);
    }

    private static void Use(HttpContext context, ICookieSession session, string api)
    {
        try
        {
            switch (api)
            {
                case "IsNew":
                    _ = session.IsNew;
                    break;
                case "Keys":
                    _ = session.Keys.ToList();
                    break;
                case "Set":
                    session.Set(CookieFuzzer.MarkerKey, 1);
                    break;
                case "Get<string>":
                    _ = session.Get<string>("a");
                    break;
                case "Get<int>":
                    _ = session.Get<int>("a");
                    break;
                case "Get<JsonNode>":
                    _ = session.Get<JsonNode>("a");
                    break;
                case "indexer":
                    _ = session["a"];
                    break;
                case "Session.GetString":
                    _ = context.Session.GetString("a");
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(api), api, "unknown step");
            }
        }
        catch (JsonException)
        {
            // Documented: a value of another type than asked for.
        }
    }

    private static int Size(FuzzCase c) => c.Json?.Length ?? c.Headers.Sum(h => h.Length);

    private static int Total(IReadOnlyDictionary<string, int> outcomes) => outcomes.Values.Sum();

    private static int Count(IReadOnlyDictionary<string, int> outcomes, string prefix)
        => outcomes.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(o => o.Value);

    private static int Distinct(IReadOnlyDictionary<string, int> outcomes, string prefix)
        => outcomes.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
}
