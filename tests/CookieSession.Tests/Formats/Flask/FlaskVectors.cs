using System.Text.Json;

namespace CookieSession.Tests.Formats.Flask;

/// <summary>
/// The cookies and verdicts of the real Flask (tests/interop/flask/flask-vectors-*.json, written by vectors.py):
/// Debian's Flask 2.2 and Flask 3.1, whose <c>SECRET_KEY_FALLBACKS</c> Debian's cannot run.
/// </summary>
internal static class FlaskVectors
{
    private static readonly Dictionary<string, JsonElement> s_files = Load();

    /// <summary>Every vector, as (file, name).</summary>
    public static TheoryData<string, string> All(Func<JsonElement, bool>? where = null)
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, document) in s_files)
        {
            foreach (var vector in document.GetProperty("vectors").EnumerateArray())
            {
                if (where is null || where(vector))
                {
                    data.Add(file, vector.GetProperty("name").GetString()!);
                }
            }
        }

        return data;
    }

    /// <summary>The vector files' names, in order.</summary>
    public static IReadOnlyList<string> Files { get; } = [.. s_files.Keys.Order(StringComparer.Ordinal)];

    public static JsonElement Find(string file, string name)
        => s_files[file].GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    public static string Flask(string file) => s_files[file].GetProperty("flask").GetString()!;

    private static Dictionary<string, JsonElement> Load()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var folder = Path.Combine(directory.FullName, "tests", "interop", "flask");
            if (Directory.Exists(folder))
            {
                var files = Directory.GetFiles(folder, "flask-vectors-*.json").Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0)
                {
                    break;
                }

                return files.ToDictionary(f => Path.GetFileName(f), f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())!;
            }
        }

        throw new FileNotFoundException("tests/interop/flask/flask-vectors-*.json");
    }
}
