namespace Rototo.Discovery;

/// <summary>Canonical paths (symbolic links resolved, like POSIX <c>realpath</c>) and containment checks.</summary>
internal static class PathResolution
{
    private const int MaxLinkHops = 40;

    /// <summary>Resolves every symbolic link in <paramref name="path"/>; throws <see cref="IOException"/> when a component does not exist.</summary>
    public static string Canonicalize(string path)
    {
        var hops = 0;
        return Resolve(Path.GetFullPath(path), ref hops);
    }

    private static string Resolve(string fullPath, ref int hops)
    {
        var root = Path.GetPathRoot(fullPath)!;
        var current = root;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(next);
            if (!info.Exists)
            {
                info = new DirectoryInfo(next);
                if (!info.Exists)
                {
                    throw new FileNotFoundException($"No such file or directory (os error 2)", next);
                }
            }
            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    throw new IOException("Too many levels of symbolic links (os error 40)");
                }
                var targetPath = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                next = Resolve(Path.GetFullPath(targetPath), ref hops);
            }
            current = next;
        }
        return current;
    }

    /// <summary>
    /// Checks a workspace file the way discovery reads it (§2.1): its canonical path must stay inside
    /// <paramref name="root"/> (<c>path escapes workspace</c>) and be a regular file (a FIFO or a device is refused
    /// without being opened, which could wait forever).
    /// </summary>
    /// <param name="root">The canonical workspace root.</param>
    /// <param name="path">The file, below <paramref name="root"/> before links are followed.</param>
    /// <returns>The file's canonical path.</returns>
    /// <exception cref="IOException">The reason, worded for <c>failed to read {path}: {reason}</c>.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be examined.</exception>
    public static string ContainedFile(string root, string path)
    {
        var canonical = Canonicalize(path);
        if (!IsInside(root, canonical))
        {
            throw new IOException("path escapes workspace");
        }
        var kind = FileKinds.Of(canonical, followLinks: false);
        if (kind != FileKind.Regular)
        {
            throw new IOException($"not a regular file ({FileKinds.Describe(kind)})");
        }
        return canonical;
    }

    /// <summary>True when <paramref name="candidate"/> is <paramref name="root"/> or below it (both canonical).</summary>
    public static bool IsInside(string root, string candidate)
    {
        var normalizedRoot = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return candidate == root || candidate.StartsWith(normalizedRoot, StringComparison.Ordinal);
    }

    /// <summary>Lexically normalises a relative path: drops '.', pops on '..'; null when empty, absolute or escaping (§3.4).</summary>
    public static string? NormalizeRelative(string baseDirectory, string relative)
    {
        if (relative.Length == 0 || relative.StartsWith('/') || Path.IsPathRooted(relative))
        {
            return null;
        }
        var stack = new List<string>(baseDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in relative.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (stack.Count == 0)
                {
                    return null;
                }
                stack.RemoveAt(stack.Count - 1);
                continue;
            }
            stack.Add(part);
        }
        return stack.Count == 0 ? null : string.Join('/', stack);
    }
}
