namespace Rototo.Runtime;

/// <summary>
/// How deep qualifiers reference qualifiers. Resolution follows a reference by recursion (one stack frame each), so a
/// workspace with a chain of thousands (which lint would pass: there is no cycle) would overflow the stack and end the
/// process, which no handler can catch. Chains longer than <see cref="MaxQualifierReferenceDepth"/> refuse to compile.
/// </summary>
internal static class ReferenceDepth
{
    /// <summary>Most qualifiers one chain of references may pass through, the first included (64).</summary>
    public const int MaxQualifierReferenceDepth = 64;

    /// <summary>The error for a chain that starts at qualifier <paramref name="id"/> (compile and lint say the same).</summary>
    public static string TooDeep(string id) => $"qualifier references nest deeper than {MaxQualifierReferenceDepth} qualifiers from qualifier://{id}";

    /// <summary>
    /// A node from which a chain of more than <see cref="MaxQualifierReferenceDepth"/> nodes starts, or -1. Walks without recursion; an edge back into the current chain (a cycle, reported by resolution and
    /// lint) ends that chain.
    /// </summary>
    /// <param name="count">Number of nodes, 0 to <paramref name="count"/> − 1.</param>
    /// <param name="successors">The nodes a node references.</param>
    public static int FirstTooDeep(int count, Func<int, IReadOnlyList<int>> successors)
    {
        var depth = new int[count]; // 0: not finished; else the longest chain starting here
        var onPath = new bool[count];
        var stack = new Stack<(int Node, int Next)>();
        for (var start = 0; start < count; start++)
        {
            if (depth[start] != 0)
            {
                continue;
            }
            stack.Push((start, 0));
            onPath[start] = true;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var edges = successors(node);
                if (next < edges.Count)
                {
                    stack.Push((node, next + 1));
                    var child = edges[next];
                    if (depth[child] == 0 && !onPath[child])
                    {
                        onPath[child] = true;
                        stack.Push((child, 0));
                    }
                    continue;
                }
                var longest = 0;
                foreach (var child in edges)
                {
                    longest = Math.Max(longest, depth[child]);
                }
                depth[node] = longest + 1;
                onPath[node] = false;
                if (depth[node] > MaxQualifierReferenceDepth)
                {
                    return node;
                }
            }
        }
        return -1;
    }
}
