#ifndef KRATIX_CSPAWN_H
#define KRATIX_CSPAWN_H

#include <spawn.h>

/// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29), which glibc declares only under
/// `_GNU_SOURCE` and Swift's Glibc module therefore does not import.
int kratix_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34, same reason): the child closes every
/// descriptor from `from` on, so it never keeps one another thread opened without close-on-exec.
int kratix_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
