using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;

namespace CookieSession.Mvc;

/// <summary>Binds an action's or a page handler's <see cref="ICookieSession"/> or <see cref="ICookieSession{TSession}"/> parameter to the request's session.</summary>
internal sealed class CookieSessionModelBinder : IModelBinder, IModelBinderProvider
{
    private static readonly MethodInfo s_typed = typeof(CookieSessionHttpContextExtensions).GetMethods()
        .Single(m => m.Name == nameof(CookieSessionHttpContextExtensions.GetCookieSession) && m.IsGenericMethod && m.GetParameters().Length == 1);

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
        => IsSession(context.Metadata.ModelType) ? this : null;

    /// <summary>The session's types: <see cref="ICookieSession"/> and <see cref="ICookieSession{TSession}"/>.</summary>
    public static bool IsSession(Type type)
        => type == typeof(ICookieSession) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ICookieSession<>));

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only through MVC model binding, which itself requires dynamic code.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Reached only through MVC model binding, which itself is not trimming-safe; the method is kept by its static reference.")]
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var type = bindingContext.ModelType;
        var context = bindingContext.HttpContext;
        object session = type == typeof(ICookieSession)
            ? context.GetCookieSession()
            : s_typed.MakeGenericMethod(type.GetGenericArguments()[0]).Invoke(null, [context])!;

        // The session is not a model: nothing in it is validated.
        bindingContext.ValidationState[session] = new ValidationStateEntry { SuppressValidation = true };
        bindingContext.Result = ModelBindingResult.Success(session);
        return Task.CompletedTask;
    }
}
