using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Cookies;
using CookieSession.Json;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Differential tests against the real Node implementations, fed in batches to one long-lived Node process
/// (tests/interop/differential.js): random JSON values must serialize byte for byte as <c>JSON.stringify</c> does,
/// random strings must percent-decode as <c>decodeURIComponent</c> does (or both refuse), and random <c>Cookie</c>
/// headers must give the first value of each name as the <c>cookie</c> package (0.7.2, cookie-parser's) does.
/// A fixed seed; <c>COOKIESESSION_DIFF_CASES</c> sets the cases per kind (default 2000) and
/// <c>COOKIESESSION_DIFF_SEED</c> the seed, for a long run. Every failure found is kept below as a regression case.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class DifferentialTests(NodePeers peers, DifferentialTests.NodeProcess node) : IClassFixture<DifferentialTests.NodeProcess>
{
    private const int DefaultSeed = 20261127;
    private static readonly string[] s_names = ["a", "b", "connect.sess", "c d", "é"];

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("COOKIESESSION_DIFF_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 2000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("COOKIESESSION_DIFF_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;


    [Fact]
    public async Task RandomValues_SerializeAsJsonStringify()
    {
        var random = new Random(Seed);
        var nodes = new List<JsonNode?>();
        var encoded = new JsonArray();
        for (var i = 0; i < Cases; i++)
        {
            var (node, encoding) = Value(random, depth: 0);
            nodes.Add(node);
            encoded.Add(encoding);
        }

        var answers = await AskAsync("stringify", encoded);

        var failures = new List<string>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var ours = Write(nodes[i]);
            var theirs = Convert.FromBase64String(answers[i]!.GetValue<string>());
            if (!ours.AsSpan().SequenceEqual(theirs))
            {
                failures.Add($"ours {Encoding.UTF8.GetString(ours)} / JSON.stringify {Encoding.UTF8.GetString(theirs)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {nodes.Count} differ (seed {Seed}):\n" + string.Join("\n", failures.Take(10)));
    }

    /// <summary>Every power of two a double holds, 2^-1074 to 2^1023, and their negatives: where .NET's own shortest digits can be wrong.</summary>
    [Fact]
    public async Task EveryPowerOfTwo_SerializesAsJsonStringify()
    {
        var values = Enumerable.Range(-1074, 1023 + 1074 + 1).SelectMany(e => new[] { Math.Pow(2, e), -Math.Pow(2, e) }).ToList();
        var encoded = new JsonArray(values.Select(v => (JsonNode)new JsonObject { ["n"] = BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture) }).ToArray());

        var answers = await AskAsync("stringify", encoded);

        var failures = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var ours = Encoding.UTF8.GetString(Write(JsonValue.Create(values[i])));
            var theirs = Encoding.UTF8.GetString(Convert.FromBase64String(answers[i]!.GetValue<string>()));
            if (ours != theirs)
            {
                failures.Add($"ours {ours} / JSON.stringify {theirs}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {values.Count} differ:\n" + string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public async Task RandomStrings_PercentDecodeAsDecodeURIComponent()
    {
        var random = new Random(Seed + 1);
        var inputs = Enumerable.Range(0, Cases).Select(_ => PercentText(random)).ToList();

        var answers = await AskAsync("decode", new JsonArray(inputs.Select(Units).ToArray()));

        var failures = new List<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var buffer = new byte[UriComponent.MaxDecodedLength(inputs[i].Length) + 1];
            var ours = UriComponent.TryDecode(inputs[i], buffer, out var written) ? Convert.ToBase64String(buffer, 0, written) : null;
            var theirs = answers[i]?.GetValue<string>();
            if (ours != theirs)
            {
                failures.Add($"{JsonSerializer.Serialize(inputs[i])}: ours {ours ?? "refused"}, decodeURIComponent {theirs ?? "threw"}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {inputs.Count} differ (seed {Seed}):\n" + string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public async Task RandomCookieHeaders_FirstValueOfEachNameAsTheCookiePackage()
    {
        var random = new Random(Seed + 2);
        var headers = Enumerable.Range(0, Cases).Select(_ => CookieHeader(random)).ToList();
        headers.AddRange(s_regressionHeaders);

        var answers = await AskAsync("cookie", new JsonArray(headers.Select(Units).ToArray()));

        var failures = new List<string>();
        for (var i = 0; i < headers.Count; i++)
        {
            foreach (var name in s_names)
            {
                var ours = CookieHeaderReader.TryGetValue(headers[i], name, out var value) ? value.ToString() : null;
                var theirs = answers[i]![name]?.GetValue<string>();
                if (ours != theirs)
                {
                    failures.Add($"{JsonSerializer.Serialize(headers[i])} [{name}]: ours {JsonSerializer.Serialize(ours)}, cookie {JsonSerializer.Serialize(theirs)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differ (seed {Seed}):\n" + string.Join("\n", failures.Take(10)));
    }

    /// <summary>Headers the random runs found to differ once, kept as regression cases.</summary>
    private static readonly string[] s_regressionHeaders =
    [
        "a=\"unterminated",
        "a=\"\"",
        "a=\"",
        "a=x\"",
        "a=\t\";  b= ;",
    ];

    /// <summary>The answers of differential.js, in batches of 500 cases through the one process of this class.</summary>
    private async Task<JsonArray> AskAsync(string kind, JsonArray cases)
    {
        peers.RequireNode();
        var answers = new JsonArray();
        foreach (var batch in cases.Chunk(500))
        {
            var line = await node.AskAsync(peers.InteropDirectory, new JsonObject
            {
                ["kind"] = kind,
                ["cases"] = new JsonArray(batch.Select(c => c?.DeepClone()).ToArray()),
            }.ToJsonString());
            foreach (var answer in JsonNode.Parse(line)!.AsArray())
            {
                answers.Add(answer?.DeepClone());
            }
        }

        return answers;
    }

    /// <summary>One long-lived differential.js for every test of the class.</summary>
    public sealed class NodeProcess : IAsyncDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private Process? _process;

        public async Task<string> AskAsync(string directory, string line)
        {
            await _lock.WaitAsync();
            try
            {
                _process ??= Process.Start(new ProcessStartInfo(InstalledProgram.FindOnPath("node")!, "differential.js")
                {
                    WorkingDirectory = directory,
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                    StandardInputEncoding = new UTF8Encoding(false),
                    StandardOutputEncoding = Encoding.UTF8,
                })!;
                await _process.StandardInput.WriteLineAsync(line);
                await _process.StandardInput.FlushAsync();
                return await _process.StandardOutput.ReadLineAsync()
                    ?? throw new InvalidOperationException("differential.js ended without answering.");
            }
            finally
            {
                _lock.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is { HasExited: false })
            {
                _process.StandardInput.Close();
                await _process.WaitForExitAsync();
            }

            _process?.Dispose();
            _lock.Dispose();
        }
    }

    private static byte[] Write(JsonNode? node)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteNode(node, ref buffer, CookieSessionDefaults.MaxDepth);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static JsonArray Units(string text) => new(text.Select(c => (JsonNode)(int)c).ToArray());

    /// <summary>A random value, as a node for this library's writer and in differential.js's lossless encoding.</summary>
    private static (JsonNode? Node, JsonNode? Encoding) Value(Random random, int depth)
    {
        switch (random.Next(depth >= 4 ? 4 : 7))
        {
            case 0:
                return (null, null);
            case 1:
                var flag = random.Next(2) == 0;
                return (JsonValue.Create(flag), JsonValue.Create(flag));
            case 2:
                var number = Number(random);
                return (JsonValue.Create(number), new JsonObject { ["n"] = BitConverter.DoubleToInt64Bits(number).ToString("x16", CultureInfo.InvariantCulture) });
            case 3:
                var text = Text(random, random.Next(12));
                return (JsonValue.Create(text), new JsonObject { ["s"] = Units(text) });
            case 4 or 5:
                var obj = new JsonObject();
                var pairs = new JsonArray();
                for (var i = random.Next(6); i > 0; i--)
                {
                    var key = Key(random);
                    var (node, encoding) = Value(random, depth + 1);
                    if (obj.ContainsKey(key))
                    {
                        continue;
                    }

                    obj[key] = node;
                    pairs.Add(new JsonArray(Units(key), encoding));
                }

                return (obj, new JsonObject { ["o"] = pairs });
            default:
                var array = new JsonArray();
                var items = new JsonArray();
                for (var i = random.Next(5); i > 0; i--)
                {
                    var (node, encoding) = Value(random, depth + 1);
                    array.Add(node);
                    items.Add(encoding);
                }

                return (array, new JsonObject { ["a"] = items });
        }
    }

    private static double Number(Random random) => random.Next(8) switch
    {
        0 => BitConverter.Int64BitsToDouble(random.NextInt64()),
        1 => random.Next(-1000, 1000),
        2 => Math.Round(random.NextDouble() * 1000, random.Next(6)),
        3 => random.NextDouble() * Math.Pow(10, random.Next(-30, 30)),
        4 => new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, 1e21, 1e-7, 9007199254740993 }[random.Next(10)],
        5 => Math.Pow(2, random.Next(-1074, 1024)),
        6 => (double)random.NextInt64(-(1L << 53), 1L << 53),
        _ => random.NextDouble(),
    };

    private static string Key(Random random) => random.Next(4) switch
    {
        0 => new[] { "0", "7", "10", "01", "-1", "4294967294", "4294967295", "1e3", " 1", "" }[random.Next(10)],
        1 => random.Next(100).ToString(CultureInfo.InvariantCulture),
        _ => Text(random, random.Next(6)),
    };

    /// <summary>Code units of every class: ASCII, controls, quotes, backslash, U+2028, non-BMP pairs, lone surrogates.</summary>
    private static string Text(Random random, int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(9))
            {
                case 0: text.Append((char)random.Next(0x20)); break;
                case 1: text.Append("\"\\/\u007f"[random.Next(4)]); break;
                case 2: text.Append((char)random.Next(0xD800, 0xE000)); break;
                case 3: text.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000))); break;
                case 4: text.Append("\u2028\u2029\u00e9\ufeff\uffff"[random.Next(5)]); break;
                case 5: text.Append((char)random.Next(0x80, 0xD800)); break;
                default: text.Append((char)random.Next(0x20, 0x7f)); break;
            }
        }

        return text.ToString();
    }

    /// <summary>Text with plain characters, valid and invalid escapes, and non-ASCII characters (no lone surrogates).</summary>
    private static string PercentText(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(12); i > 0; i--)
        {
            switch (random.Next(6))
            {
                case 0: text.Append('%').Append(random.Next(256).ToString("X2", CultureInfo.InvariantCulture)); break;
                case 1: text.Append('%').Append("0123456789abcdefgG%"[random.Next(19)]); break;
                case 2: text.Append(Uri.EscapeDataString(char.ConvertFromUtf32(random.Next(0x80, 0x2FFFF) is var c && c is >= 0xD800 and < 0xE000 ? 0x41 : c))); break;
                case 3: text.Append((char)random.Next(0x80, 0xD800)); break;
                default: text.Append((char)random.Next(0x20, 0x7f)); break;
            }
        }

        return text.ToString();
    }

    /// <summary>Pairs of the names read and others, values with spaces, tabs, quotes, '=' and ',', and stray separators.</summary>
    private static string CookieHeader(Random random)
    {
        var header = new StringBuilder();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            header.Append(new[] { "", " ", "\t", "  " }[random.Next(4)]);
            header.Append(random.Next(5) == 0 ? "z" : s_names[random.Next(s_names.Length)]);
            header.Append(new[] { "", " ", "\t" }[random.Next(3)]);
            if (random.Next(10) > 0)
            {
                header.Append('=');
            }

            header.Append(new[] { "", " ", "\t" }[random.Next(3)]);
            for (var j = random.Next(8); j > 0; j--)
            {
                header.Append("abc \t\"=,%2A0é"[random.Next(13)]);
            }

            header.Append(new[] { "; ", ";", " ;", ";;", "; ", "" }[random.Next(6)]);
        }

        return header.ToString();
    }
}
