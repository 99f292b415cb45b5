namespace CookieSession.Demo.Account;

/// <summary>Who the visitor is, kept in the session: the name they signed in with, when, whether to remember them, and their visits.</summary>
internal static class Visitor
{
    private const string UserKey = "user";
    private const string SignedInAtKey = "signedInAt";
    private const string RememberKey = "remember";
    private const string VisitsKey = "visits";

    /// <summary>The longest name accepted.</summary>
    public const int MaxNameLength = 40;

    public static string? User(this ICookieSession session) => session.TryGet<string>(UserKey, out var user) ? user : null;

    public static DateTimeOffset? SignedInAt(this ICookieSession session)
        => session.TryGet<DateTimeOffset>(SignedInAtKey, out var at) ? at : null;

    public static bool IsRemembered(this ICookieSession session) => session.TryGet<bool>(RememberKey, out var remember) && remember;

    public static int Visits(this ICookieSession session) => session.TryGet<int>(VisitsKey, out var visits) ? visits : 0;

    public static void CountVisit(this ICookieSession session) => session.Set(VisitsKey, session.Visits() + 1);

    public static void SignIn(this ICookieSession session, string name, bool remember, DateTimeOffset now)
    {
        session.Set(UserKey, name);
        session.Set(SignedInAtKey, now);
        if (remember)
        {
            session.Set(RememberKey, true);
        }
        else
        {
            session.Remove(RememberKey);
        }
    }
}
