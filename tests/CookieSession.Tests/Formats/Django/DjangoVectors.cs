using System.Text.Json;

namespace CookieSession.Tests.Formats.Django;

/// <summary>
/// The cookies Django signed (tests/interop/django/django-vectors.json, written by vectors.py with Debian's Django and
/// checked there against an independent implementation of Django 4.1's signing).
/// </summary>
internal static class DjangoVectors
{
    private static readonly JsonElement s_root = Load();

    public static IEnumerable<JsonElement> All => s_root.GetProperty("vectors").EnumerateArray();

    /// <summary>The <c>_auth_user_hash</c> Django's <c>salted_hmac</c> made of a password field under a secret.</summary>
    public static JsonElement AuthHash => s_root.GetProperty("authHash");

    public static JsonElement Find(string name) => All.Single(v => v.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(Func<JsonElement, bool> where)
    {
        var data = new TheoryData<string>();
        foreach (var vector in All.Where(where))
        {
            data.Add(vector.GetProperty("name").GetString()!);
        }

        return data;
    }

    public static string Secret(this JsonElement vector) => vector.GetProperty("secret").GetString()!;

    public static string Value(this JsonElement vector) => vector.GetProperty("value").GetString()!;

    public static DateTimeOffset Timestamp(this JsonElement vector) => DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("timestamp").GetInt64());

    public static string Expected(this JsonElement vector) => vector.GetProperty("expected").GetString()!;

    private static JsonElement Load()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "tests", "interop", "django", "django-vectors.json");
            if (File.Exists(path))
            {
                return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            }
        }

        throw new FileNotFoundException("tests/interop/django/django-vectors.json");
    }
}
