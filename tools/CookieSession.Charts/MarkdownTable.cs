using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace CookieSession.Charts;

/// <summary>
/// A pipe table of a results file, as BenchmarkDotNet and the scripts under bench/ write them: a header row, a
/// separator row of dashes, then the rows. Cells are trimmed, HTML entities decoded and the quotes BenchmarkDotNet
/// puts around a description removed.
/// </summary>
internal sealed partial class MarkdownTable
{
    private MarkdownTable(string source, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        Source = source;
        Header = header;
        Rows = rows;
    }

    public string Source { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>The first table of the file whose header has every one of the columns.</summary>
    public static MarkdownTable Read(string path, params string[] columns)
        => ReadAll(path, columns).FirstOrDefault()
            ?? throw new FormatException($"{path}: no table with the columns {string.Join(", ", columns.Select(c => $"'{c}'"))}.");

    /// <summary>Every table of the file whose header has every one of the columns, in the file's order.</summary>
    public static IReadOnlyList<MarkdownTable> ReadAll(string path, params string[] columns)
    {
        var lines = File.ReadAllLines(path);
        var tables = new List<MarkdownTable>();
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!IsRow(lines[i]) || !SeparatorRow().IsMatch(lines[i + 1]))
            {
                continue;
            }

            var header = Cells(lines[i]);
            if (!columns.All(c => header.Contains(c, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            var rows = lines.Skip(i + 2).TakeWhile(IsRow).Select(l => (IReadOnlyList<string>)Cells(l)).ToList();
            tables.Add(new MarkdownTable(path, header, rows));
            i += 1 + rows.Count;
        }

        return tables;
    }

    /// <summary>The cell of <paramref name="column"/> in the row whose first cell is <paramref name="name"/>.</summary>
    public string Cell(string name, string column)
    {
        var index = Column(column);
        var row = Rows.FirstOrDefault(r => string.Equals(r[0], name, StringComparison.OrdinalIgnoreCase))
            ?? throw new FormatException($"{Source}: no row '{name}' (rows: {string.Join(", ", Rows.Select(r => $"'{r[0]}'"))}).");
        return row[index];
    }

    /// <summary>Whether a row named <paramref name="name"/> exists.</summary>
    public bool Has(string name) => Rows.Any(r => string.Equals(r[0], name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A number of a cell: digit-group commas dropped, a unit after the number ignored.</summary>
    public double Number(string name, string column)
    {
        var text = Cell(name, column);
        var match = LeadingNumber().Match(text.Replace(",", string.Empty, StringComparison.Ordinal));
        return match.Success
            ? double.Parse(match.Value, CultureInfo.InvariantCulture)
            : throw new FormatException($"{Source}: '{text}' in row '{name}', column '{column}', is not a number.");
    }

    private int Column(string column)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (string.Equals(Header[i], column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new FormatException($"{Source}: no column '{column}'.");
    }

    private static bool IsRow(string line) => line.TrimStart().StartsWith('|');

    private static List<string> Cells(string line)
    {
        var trimmed = line.Trim();
        trimmed = trimmed.Substring(1, trimmed.EndsWith('|') ? trimmed.Length - 2 : trimmed.Length - 1);
        return trimmed.Split('|').Select(c => WebUtility.HtmlDecode(c.Trim()).Trim('\'').Trim()).ToList();
    }

    [GeneratedRegex(@"^\s*\|(\s*:?-+:?\s*\|)+\s*$")]
    private static partial Regex SeparatorRow();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?")]
    private static partial Regex LeadingNumber();
}
