#ifndef KRATIX_CSPAWN_H
#define KRATIX_CSPAWN_H

#include <spawn.h>

/// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29), which glibc declares only under
/// `_GNU_SOURCE` and Swift's Glibc module therefore does not import.
int kratix_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
