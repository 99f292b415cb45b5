using System.Text;
using System.Text.RegularExpressions;

namespace CookieSession.Tests.Docs;

/// <summary>
/// The links of a markdown page as GitHub and DocFX read them: inline links and images, reference definitions, HTML
/// <c>href</c>/<c>src</c> attributes and DocFX code includes (<c>[!code-csharp[](path#region)]</c>), outside code
/// blocks and code spans; and the anchors its headings get under GitHub's rules.
/// </summary>
internal static partial class MarkdownLinks
{
    internal sealed record Link(int Line, string Target, bool IsCodeInclude);

    public static IReadOnlyList<Link> Read(string markdown)
    {
        var links = new List<Link>();
        var lines = markdown.Split('\n');
        var fence = (string?)null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var opening = Fence().Match(line);
            if (opening.Success)
            {
                var marker = opening.Groups[1].Value;
                if (fence is null)
                {
                    fence = marker;
                }
                else if (marker[0] == fence[0] && marker.Length >= fence.Length && line.Trim() == marker)
                {
                    fence = null;
                }

                continue;
            }

            if (fence is not null)
            {
                continue;
            }

            foreach (Match include in CodeInclude().Matches(line))
            {
                links.Add(new Link(i + 1, include.Groups[1].Value, IsCodeInclude: true));
            }

            var text = CodeInclude().Replace(CodeSpan().Replace(line, string.Empty), string.Empty);
            foreach (Match inline in InlineLink().Matches(text))
            {
                var target = inline.Groups[1].Value.Trim();
                if (target.StartsWith('<') && target.Contains('>'))
                {
                    target = target[1..target.IndexOf('>', StringComparison.Ordinal)];
                }
                else
                {
                    target = target.Split(' ', 2)[0];
                }

                links.Add(new Link(i + 1, target, IsCodeInclude: false));
            }

            var definition = ReferenceDefinition().Match(text);
            if (definition.Success)
            {
                links.Add(new Link(i + 1, definition.Groups[1].Value.Trim('<', '>'), IsCodeInclude: false));
            }

            foreach (Match attribute in HtmlAttribute().Matches(text))
            {
                links.Add(new Link(i + 1, attribute.Groups[1].Value, IsCodeInclude: false));
            }
        }

        return links;
    }

    /// <summary>The anchors of the page's headings: GitHub's slugs, a repeated one numbered -1, -2...</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var fence = (string?)null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var opening = Fence().Match(line);
            if (opening.Success)
            {
                fence = fence is null ? opening.Groups[1].Value : null;
                continue;
            }

            var heading = Heading().Match(line);
            if (fence is not null || !heading.Success)
            {
                foreach (Match explicitAnchor in ExplicitAnchor().Matches(line))
                {
                    anchors.Add(explicitAnchor.Groups[1].Value);
                }

                continue;
            }

            var slug = Slug(heading.Groups[1].Value);
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's anchor of a heading: its text as rendered (links and images reduced to their text, code spans and
    /// emphasis to their content), lower-cased, every character but letters, digits, spaces, hyphens and underscores
    /// dropped, and each space turned into a hyphen.
    /// </summary>
    public static string Slug(string heading)
    {
        var text = InlineLinkWithText().Replace(heading.Trim().TrimEnd('#').Trim(), "$1");
        text = HtmlTag().Replace(text, string.Empty);
        text = text.Replace("`", string.Empty, StringComparison.Ordinal).Replace("*", string.Empty, StringComparison.Ordinal);
        text = EmphasisUnderscore().Replace(text, "$1");
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"^\s{0,3}(`{3,}|~{3,})")]
    private static partial Regex Fence();

    [GeneratedRegex(@"(`+)(?:(?!\1).)+?\1")]
    private static partial Regex CodeSpan();

    // [!code-csharp[](path#region)], [!code-csharp[title](path)], [!INCLUDE[](path)].
    [GeneratedRegex(@"\[!(?:code(?:-[\w#+]+)?|include)\[[^\]]*\]\(([^)\s]+)[^)]*\)\]", RegexOptions.IgnoreCase)]
    private static partial Regex CodeInclude();

    // [text](target "title") and ![alt](target); the text may hold one level of brackets (an image inside a link).
    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\[\]]*\](?:\([^)]*\))?)*\]\(\s*(<[^>]*>|[^()\s]+(?:\s+""[^""]*"")?)\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)")]
    private static partial Regex InlineLinkWithText();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"<(?:a|img|source)\b[^>]*?\b(?:href|src)\s*=\s*""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlAttribute();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"(?<![\w])_+([^_]+)_+(?![\w])")]
    private static partial Regex EmphasisUnderscore();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s+(?:name|id)\s*=\s*""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExplicitAnchor();
}
