using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace CookieSession;

/// <summary>
/// The session of the current request: a JSON object kept in a signed cookie.
/// </summary>
/// <remarks>
/// The session is read from the cookie the first time it is used in a request, and written back
/// when the response starts, only if its JSON differs from what was read. An instance belongs to one
/// request and is not thread-safe. Once the response has started, changing the session throws
/// <see cref="InvalidOperationException"/>.
/// <para>
/// A handler gets it as a parameter (minimal APIs, MVC actions, Razor Pages handlers: no attribute needed), from
/// <see cref="CookieSessionHttpContextExtensions.GetCookieSession"/>, or as a service of the request where
/// <c>IHttpContextAccessor</c> is registered (<c>services.AddHttpContextAccessor()</c>).
/// </para>
/// </remarks>
public interface ICookieSession
{
    /// <summary>Why the reflection-based members cannot be trimmed or compiled ahead of time, as System.Text.Json says.</summary>
    internal const string ReflectionMessage =
        "JSON serialization and deserialization might require types that cannot be statically analyzed and might need runtime code generation. Use the overload that takes a JsonTypeInfo<T> (System.Text.Json source generation) for trimming and Native AOT.";

    /// <summary>
    /// Gets or sets a value of the session as a JSON node; <see langword="null"/> when the key is absent
    /// (or holds JSON <c>null</c>). The node returned is live: changing it changes the session.
    /// </summary>
    /// <param name="key">The property name.</param>
    JsonNode? this[string key] { get; set; }

    /// <summary>The keys of the session, in the order they are written.</summary>
    IEnumerable<string> Keys { get; }

    /// <summary>
    /// <see langword="true"/> when no valid session cookie came with the request: the session started empty.
    /// </summary>
    bool IsNew { get; }

    /// <summary>
    /// <see langword="true"/> when the session is new, or its JSON differs from what the request brought
    /// (cookie-session's <c>isChanged</c>). A new session is written only once it is populated.
    /// </summary>
    bool IsChanged { get; }

    /// <summary><see langword="true"/> when the session has at least one key.</summary>
    bool IsPopulated { get; }

    /// <summary>
    /// The settings of the cookie this response writes, initialised from
    /// <see cref="CookieSessionOptions.Cookie"/>; changing them affects this response only.
    /// </summary>
    CookieSessionCookie Cookie { get; }

    /// <summary>
    /// Reads a value, deserialized with <see cref="CookieSessionOptions.SerializerOptions"/>;
    /// <see langword="default"/> when the key is absent or holds JSON <c>null</c>.
    /// </summary>
    /// <typeparam name="T">The type to deserialize to.</typeparam>
    /// <param name="key">The property name.</param>
    /// <exception cref="System.Text.Json.JsonException">
    /// The value is of another JSON type than <typeparamref name="T"/> reads (for example a number Node stored, read as
    /// a <see cref="string"/>). Use <see cref="TryGet{T}"/> where the session may hold another type.
    /// </exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    T? Get<T>(string key);

    /// <summary>
    /// Reads a value through <paramref name="typeInfo"/> (System.Text.Json source generation: no reflection, so
    /// trimming and Native AOT are safe); <see langword="default"/> when the key is absent or holds JSON <c>null</c>.
    /// Strings and numbers are read without the serializer, lone surrogates included; a string with a lone surrogate
    /// inside another type is read as the source-generated serializer reads it.
    /// </summary>
    /// <typeparam name="T">The type to deserialize to.</typeparam>
    /// <param name="key">The property name.</param>
    /// <param name="typeInfo">The type's metadata, e.g. <c>AppJson.Default.Int32</c>.</param>
    /// <exception cref="System.Text.Json.JsonException">The value is of another JSON type than <typeparamref name="T"/> reads.</exception>
    T? Get<T>(string key, JsonTypeInfo<T> typeInfo);

    /// <summary>
    /// Reads a value if it is present and converts to <typeparamref name="T"/>; never throws for a value of another
    /// JSON type. JSON <c>null</c> converts to types that hold null.
    /// </summary>
    /// <typeparam name="T">The type to deserialize to.</typeparam>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value, or <see langword="default"/> when the method returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when the key is present and its value converts.</returns>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    bool TryGet<T>(string key, out T? value);

    /// <summary>
    /// Stores a value, serialized with <see cref="CookieSessionOptions.SerializerOptions"/>.
    /// </summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value.</param>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    void Set<T>(string key, T value);

    /// <summary>
    /// Stores a value through <paramref name="typeInfo"/> (System.Text.Json source generation: no reflection, so
    /// trimming and Native AOT are safe).
    /// </summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The type's metadata, e.g. <c>AppJson.Default.Int32</c>.</param>
    void Set<T>(string key, T value, JsonTypeInfo<T> typeInfo);

    /// <summary>Removes a key.</summary>
    /// <param name="key">The property name.</param>
    /// <returns><see langword="true"/> when the key was present.</returns>
    bool Remove(string key);

    /// <summary>
    /// Removes every key. The cookie stays, holding an empty object; to delete the cookie itself use
    /// <see cref="CookieSessionHttpContextExtensions.ClearCookieSession"/>.
    /// </summary>
    void Clear();

    /// <summary>Reads a JSON string; <see langword="null"/> when the key is absent or holds JSON <c>null</c>. Needs no <see cref="JsonTypeInfo"/>.</summary>
    /// <param name="key">The property name.</param>
    /// <exception cref="System.Text.Json.JsonException">The value is not a JSON string.</exception>
    string? GetString(string key);

    /// <summary>Reads a JSON number that is an integer (not <c>ISession.GetInt32</c>'s four bytes); <see langword="null"/> when absent or JSON <c>null</c>.</summary>
    /// <param name="key">The property name.</param>
    /// <exception cref="System.Text.Json.JsonException">The value is not an integer within <see cref="long"/>'s range.</exception>
    long? GetInteger(string key);

    /// <summary>Reads a JSON number; <see langword="null"/> when absent or JSON <c>null</c>.</summary>
    /// <param name="key">The property name.</param>
    /// <exception cref="System.Text.Json.JsonException">The value is not a JSON number.</exception>
    double? GetNumber(string key);

    /// <summary>Reads JSON <c>true</c> or <c>false</c>; <see langword="null"/> when absent or JSON <c>null</c>.</summary>
    /// <param name="key">The property name.</param>
    /// <exception cref="System.Text.Json.JsonException">The value is not a JSON boolean.</exception>
    bool? GetBoolean(string key);

    /// <summary>Stores a JSON string (JSON <c>null</c> for <see langword="null"/>). Needs no <see cref="JsonTypeInfo"/>.</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value.</param>
    void SetString(string key, string? value);

    /// <summary>Stores a JSON number that is an integer (what Node reads as a number; not <c>ISession.SetInt32</c>'s four bytes).</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value.</param>
    void SetInteger(string key, long value);

    /// <summary>Stores a JSON number.</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value: a finite number (JSON has no NaN or infinity).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    void SetNumber(string key, double value);

    /// <summary>Stores JSON <c>true</c> or <c>false</c>.</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The value.</param>
    void SetBoolean(string key, bool value);

    /// <summary>
    /// Binds a handler's <see cref="ICookieSession"/> parameter to the request's session: minimal APIs (with or without the
    /// Request Delegate Generator) find this method. MVC and Razor Pages bind it through a model binder the library adds.
    /// </summary>
    /// <param name="context">The request's context.</param>
    /// <param name="parameter">The parameter.</param>
    static ValueTask<ICookieSession?> BindAsync(HttpContext context, ParameterInfo parameter)
        => ValueTask.FromResult<ICookieSession?>(context.GetCookieSession());
}
