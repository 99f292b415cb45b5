using System.Runtime.CompilerServices;

// Every stackalloc buffer in this library is written before it is read: zeroing them is wasted work.
[module: SkipLocalsInit]
