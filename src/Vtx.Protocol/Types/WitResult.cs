using System.Diagnostics.CodeAnalysis;

namespace Vtx.Protocol;

/// <summary>
/// A WIT <c>result&lt;T, E&gt;</c>: either <see cref="Value"/> (<c>ok</c>) or
/// <see cref="Error"/> (<c>err</c>).
/// </summary>
/// <typeparam name="T">The <c>ok</c> payload type.</typeparam>
/// <typeparam name="TError">The <c>err</c> payload type.</typeparam>
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "Ok/Err factories are the natural way to build a WIT result.")]
public readonly record struct WitResult<T, TError>
{
    private readonly T? _value;
    private readonly TError? _error;

    private WitResult(bool isOk, T? value, TError? error)
    {
        IsOk = isOk;
        _value = value;
        _error = error;
    }

    /// <summary><see langword="true"/> for <c>ok</c>.</summary>
    public bool IsOk { get; }

    /// <summary>The <c>ok</c> payload.</summary>
    /// <exception cref="InvalidOperationException">The result is an <c>err</c>.</exception>
    public T Value => IsOk ? _value! : throw new InvalidOperationException($"The result is err({_error}).");

    /// <summary>The <c>err</c> payload.</summary>
    /// <exception cref="InvalidOperationException">The result is an <c>ok</c>.</exception>
    public TError Error => IsOk ? throw new InvalidOperationException("The result is ok.") : _error!;

    /// <summary>Makes an <c>ok</c> result.</summary>
    /// <param name="value">The payload.</param>
    /// <returns>The result.</returns>
    public static WitResult<T, TError> Ok(T value) => new(true, value, default);

    /// <summary>Makes an <c>err</c> result.</summary>
    /// <param name="error">The payload.</param>
    /// <returns>The result.</returns>
    public static WitResult<T, TError> Err(TError error) => new(false, default, error);

    /// <inheritdoc/>
    public override string ToString() => IsOk ? $"ok({_value})" : $"err({_error})";
}
