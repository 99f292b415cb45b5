using System.Text.Json.Serialization;

namespace CookieSession.Demo.Account;

/// <summary>One-shot messages: kept in the session until the next page shows them, and removed as it does.</summary>
internal static class Flash
{
    private const string Key = "flash";

    public static void Add(this ICookieSession session, FlashKind kind, string text)
    {
        var messages = session.TryGet<List<FlashMessage>>(Key, out var stored) && stored is not null ? stored : [];
        messages.Add(new FlashMessage(kind, text));
        session.Set(Key, messages);
    }

    /// <summary>The messages waiting, removed from the session.</summary>
    public static IReadOnlyList<FlashMessage> Take(this ICookieSession session)
    {
        if (!session.Keys.Contains(Key))
        {
            return [];
        }

        var messages = session.TryGet<List<FlashMessage>>(Key, out var stored) && stored is not null ? stored : [];
        session.Remove(Key);
        return messages;
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<FlashKind>))]
internal enum FlashKind
{
    Info,
    Success,
    Warning,
}

internal sealed record FlashMessage(FlashKind Kind, string Text);
