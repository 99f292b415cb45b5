using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CookieSession.Tests.Package;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Docs;

/// <summary>
/// The README is read where includes do not render (NuGet), so its code is written out; these tests hold it to the
/// compiled snippets in docs/snippets, and hold the docs pages' includes to regions that exist.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static readonly string Root = PackageInstallTests.FindRepositoryRoot();
    private static readonly string SnippetsDirectory = Path.Combine(Root, "docs", "snippets");

    [Fact]
    public void ReadmeCSharpBlocks_EachEqualsASnippetRegion()
    {
        var regions = Regions();
        var blocks = FencedBlocks(File.ReadAllText(Path.Combine(Root, "README.md")), "csharp");

        Assert.NotEmpty(blocks);
        Assert.All(blocks, block => Assert.True(
            regions.Values.Contains(Normalize(block)),
            "This C# block of README.md is not a region of docs/snippets (compare modulo indentation):\n" + block));
    }

    [Fact]
    public void ReadmeJsonBlocks_BindAsTheSessionOptions()
    {
        var blocks = FencedBlocks(File.ReadAllText(Path.Combine(Root, "README.md")), "json");

        Assert.NotEmpty(blocks);
        Assert.All(blocks, AssertBinds);
    }

    [Fact]
    public void SnippetJsonFiles_BindAsTheSessionOptions()
    {
        var files = Directory.GetFiles(SnippetsDirectory, "*.json", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f))
            .ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => AssertBinds(File.ReadAllText(f)));
    }

    [Fact]
    public void DocsPages_IncludeSnippetsThatExist()
    {
        var regions = Regions();
        var docs = Path.Combine(Root, "docs");
        var includes = Directory.GetFiles(docs, "*.md")
            .SelectMany(page => Include().Matches(File.ReadAllText(page)).Select(m => (Page: Path.GetFileName(page), Path: m.Groups["path"].Value, Name: m.Groups["name"].Value)))
            .Where(i => i.Path.StartsWith("snippets/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(includes);
        Assert.All(includes, i =>
        {
            var file = Path.Combine(docs, i.Path);
            Assert.True(File.Exists(file), $"{i.Page} includes {i.Path}, which does not exist.");
            if (i.Name.Length > 0)
            {
                Assert.True(regions.ContainsKey((Path.GetFullPath(file), i.Name)), $"{i.Page} includes {i.Path}#{i.Name}, a region that does not exist.");
            }
        });
    }

    /// <summary>Binds <paramref name="json"/> as an appsettings.json file, with a secret beneath it for the signed formats.</summary>
    private static void AssertBinds(string json)
    {
        using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CookieSession:Secret"] = new string('s', 48) })
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build();
        using var services = new ServiceCollection()
            .AddCookieSession(configuration.GetSection("CookieSession"))
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<CookieSessionOptions>>().Value;

        Assert.NotNull(options);
    }

    /// <summary>Every <c>// &lt;name&gt;</c> ... <c>// &lt;/name&gt;</c> region of docs/snippets, normalized, by file and name.</summary>
    private static Dictionary<(string File, string Name), string> Regions()
    {
        var regions = new Dictionary<(string, string), string>();
        foreach (var file in Directory.GetFiles(SnippetsDirectory, "*.*", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)))
        {
            if (Path.GetExtension(file) is not (".cs" or ".razor" or ".cshtml"))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var start = 0; start < lines.Length; start++)
            {
                if (RegionStart().Match(lines[start]) is not { Success: true } open)
                {
                    continue;
                }

                var name = open.Groups["name"].Value;
                var end = Array.FindIndex(lines, start + 1, l => l.Trim() == $"// </{name}>");
                Assert.True(end > start, $"{file}: region {name} is not closed.");
                var body = lines[(start + 1)..end].Where(l => !RegionStart().IsMatch(l) && !RegionEnd().IsMatch(l));
                regions[(Path.GetFullPath(file), name)] = Normalize(string.Join('\n', body));
            }
        }

        return regions;
    }

    private static List<string> FencedBlocks(string markdown, string language)
        => [.. Fence().Matches(markdown).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["body"].Value)];

    /// <summary>Leading and trailing blank lines, trailing spaces and the common indentation do not count.</summary>
    private static string Normalize(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length == 0 ? l : l[indent..]));
    }

    private static bool IsBuildOutput(string path)
    {
        var relative = Path.GetRelativePath(SnippetsDirectory, path).Replace('\\', '/');
        return relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^```(?<lang>[A-Za-z0-9]*)[ \t]*\n(?<body>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*// <(?<name>[A-Za-z0-9_-]+)>\s*$")]
    private static partial Regex RegionStart();

    [GeneratedRegex(@"^\s*// </(?<name>[A-Za-z0-9_-]+)>\s*$")]
    private static partial Regex RegionEnd();

    [GeneratedRegex(@"\[!code-[a-z]+\[[^\]]*\]\((?<path>[^)#?]+)(#(?<name>[A-Za-z0-9_-]+))?\)\]")]
    private static partial Regex Include();
}
