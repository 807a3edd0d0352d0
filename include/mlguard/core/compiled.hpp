#ifndef MLGUARD_CORE_COMPILED_HPP
#define MLGUARD_CORE_COMPILED_HPP

// The compiled mode's switches (docs/core.md#compiled-mode). A header defines
// its long bodies at its end, in an `#ifndef MLGUARD_COMPILED` block: a
// program that defines MLGUARD_COMPILED sees declarations only and links the
// bodies from mlguard::compiled. MLGUARD_INLINE marks the member definitions
// in those blocks: inline when mlguard is header-only, as they were when
// written inside their class (so GCC inlines them as before), and plain in
// the library, built with MLGUARD_COMPILED_LIBRARY, so that the library's
// definitions and its program's declarations agree.

#if defined(MLGUARD_COMPILED) && defined(MLGUARD_COMPILED_LIBRARY)
#error "MLGUARD_COMPILED is for the program; mlguard::compiled itself is built without it"
#endif

#ifdef MLGUARD_COMPILED_LIBRARY
#define MLGUARD_INLINE
#else
#define MLGUARD_INLINE inline
#endif

#endif // MLGUARD_CORE_COMPILED_HPP
