/*
 * lossyfs: a FUSE file system over a directory that behaves like a disk whose cache is lost at a power
 * cut, for the fault campaign's `power-loss` and `disk-full` faults (issue 12). In the spirit of Jepsen's
 * LazyFS, written small for this one purpose.
 *
 *   lossyfs <backing-dir> <mountpoint>
 *
 * Data written to a file stays in this process's memory (page by page) until the file is fsynced or
 * fdatasynced; only then does it reach the backing directory. Reads see the written data, as a page cache
 * would. Commands, one per line on standard input, each answered with one line on standard output:
 *
 *   crash     drop every write not fsynced yet (every file's unsynced pages and size changes): what a
 *             power cut does to a disk whose cache is volatile. Answers "dropped <bytes> <files>".
 *   full      the disk is full: a write that needs new space, a create, a mkdir fail with ENOSPC;
 *             writes inside a file's existing size still succeed (blocks already allocated).
 *   space     space is back.
 *   stats     "dirty <bytes> <files> full <0|1>".
 *
 * Metadata operations (create, rename, unlink, mkdir, link) reach the backing directory at once: this
 * models a file system that journals its metadata synchronously, and loses data, not names. A process
 * must be gone before `crash` (the runner SIGKILLs it first): its open files keep their descriptors on
 * the backing files, and the kernel's copy of the pages is dropped at the next open (no keep_cache).
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

struct page {
  off_t index;
  struct page *next_in_file;
  unsigned char data[PAGE];
};

/* The unsynced state of one backing file (by inode number, so it survives renames). */
struct dirty_file {
  ino_t ino;
  off_t size;          /* the size readers see */
  off_t backing_size;  /* the size the backing file has */
  off_t zero_from;     /* backing bytes from here on read as zeros (the file was truncated below them) */
  size_t page_count;
  size_t bucket_count; /* power of two */
  struct page **buckets; /* open addressing on page index */
  struct page *pages;  /* every page, for the flush */
  struct dirty_file *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct dirty_file *files = NULL;
static int disk_full = 0;
static char backing_root[PATH_MAX];

static void backing_path(char *out, const char *path) {
  snprintf(out, PATH_MAX, "%s%s", backing_root, path);
}

static struct dirty_file *find_file(ino_t ino) {
  for (struct dirty_file *f = files; f != NULL; f = f->next)
    if (f->ino == ino) return f;
  return NULL;
}

static struct dirty_file *get_file(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return NULL;
  struct dirty_file *f = find_file(st.st_ino);
  if (f != NULL) return f;
  f = calloc(1, sizeof *f);
  if (f == NULL) return NULL;
  f->ino = st.st_ino;
  f->size = st.st_size;
  f->backing_size = st.st_size;
  f->zero_from = st.st_size;
  f->bucket_count = 64;
  f->buckets = calloc(f->bucket_count, sizeof *f->buckets);
  if (f->buckets == NULL) {
    free(f);
    return NULL;
  }
  f->next = files;
  files = f;
  return f;
}

static size_t slot_of(const struct dirty_file *f, off_t index) {
  return ((uint64_t)index * 0x9E3779B97F4A7C15ull >> 20) & (f->bucket_count - 1);
}

static struct page *find_page(const struct dirty_file *f, off_t index) {
  for (size_t s = slot_of(f, index);; s = (s + 1) & (f->bucket_count - 1)) {
    struct page *p = f->buckets[s];
    if (p == NULL) return NULL;
    if (p->index == index) return p;
  }
}

static int insert_page(struct dirty_file *f, struct page *p) {
  if ((f->page_count + 1) * 2 > f->bucket_count) {
    size_t count = f->bucket_count * 2;
    struct page **buckets = calloc(count, sizeof *buckets);
    if (buckets == NULL) return -ENOMEM;
    free(f->buckets);
    f->buckets = buckets;
    f->bucket_count = count;
    for (struct page *q = f->pages; q != NULL; q = q->next_in_file) {
      size_t s = slot_of(f, q->index);
      while (f->buckets[s] != NULL) s = (s + 1) & (f->bucket_count - 1);
      f->buckets[s] = q;
    }
  }
  size_t s = slot_of(f, p->index);
  while (f->buckets[s] != NULL) s = (s + 1) & (f->bucket_count - 1);
  f->buckets[s] = p;
  p->next_in_file = f->pages;
  f->pages = p;
  f->page_count++;
  return 0;
}

/* Reads backing bytes [off, off+len) into buf, zeros past the backing file's end. */
static int read_backing(int fd, const struct dirty_file *f, unsigned char *buf, size_t len, off_t off) {
  memset(buf, 0, len);
  off_t limit = f == NULL ? (off_t)-1 : (f->zero_from < f->backing_size ? f->zero_from : f->backing_size);
  size_t want = len;
  if (limit >= 0) {
    if (off >= limit) return 0;
    if ((off_t)(off + want) > limit) want = (size_t)(limit - off);
  }
  size_t done = 0;
  while (done < want) {
    ssize_t n = pread(fd, buf + done, want - done, off + (off_t)done);
    if (n < 0) return -errno;
    if (n == 0) break;
    done += (size_t)n;
  }
  return 0;
}

static void free_file(struct dirty_file *f) {
  struct page *p = f->pages;
  while (p != NULL) {
    struct page *next = p->next_in_file;
    free(p);
    p = next;
  }
  free(f->buckets);
  free(f);
}

static void forget_file(ino_t ino) {
  for (struct dirty_file **at = &files; *at != NULL; at = &(*at)->next)
    if ((*at)->ino == ino) {
      struct dirty_file *f = *at;
      *at = f->next;
      free_file(f);
      return;
    }
}

/* Writes a file's unsynced pages and size to the backing file and syncs it. */
static int flush_file(int fd, struct dirty_file *f, int datasync) {
  /* A truncation first: the backing bytes past it must not come back when the pages extend the file. */
  if (f->zero_from < f->backing_size && ftruncate(fd, f->zero_from) != 0) return -errno;
  for (struct page *p = f->pages; p != NULL; p = p->next_in_file) {
    off_t off = p->index * PAGE;
    if (off >= f->size) continue;
    size_t len = PAGE;
    if ((off_t)(off + len) > f->size) len = (size_t)(f->size - off);
    size_t done = 0;
    while (done < len) {
      ssize_t n = pwrite(fd, p->data + done, len - done, off + (off_t)done);
      if (n < 0) return -errno;
      done += (size_t)n;
    }
  }
  if (ftruncate(fd, f->size) != 0) return -errno;
  if ((datasync ? fdatasync(fd) : fsync(fd)) != 0) return -errno;
  forget_file(f->ino);
  return 0;
}

/* The part of [at, at + remaining) inside one page: its page index, its offset in the page, its length. */
static size_t page_span(off_t at, size_t remaining, off_t *index, size_t *in_page) {
  *index = at / PAGE;
  *in_page = (size_t)(at % PAGE);
  size_t len = PAGE - *in_page;
  return len < remaining ? len : remaining;
}

/*
 * The backing file is opened for reading too (a partial page written must first be read), and without
 * O_APPEND (which would make pwrite ignore the offset the kernel computed) or O_DIRECT.
 */
static int backing_flags(int flags) {
  flags &= ~(O_APPEND | O_DIRECT);
  if ((flags & O_ACCMODE) == O_WRONLY) flags = (flags & ~O_ACCMODE) | O_RDWR;
  return flags;
}

static int lossy_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  (void)fi;
  char real[PATH_MAX];
  backing_path(real, path);
  if (lstat(real, st) != 0) return -errno;
  if (S_ISREG(st->st_mode)) {
    pthread_mutex_lock(&lock);
    struct dirty_file *f = find_file(st->st_ino);
    if (f != NULL) {
      st->st_size = f->size;
      st->st_blocks = (f->size + 511) / 512;
    }
    pthread_mutex_unlock(&lock);
  }
  return 0;
}

static int lossy_open(const char *path, struct fuse_file_info *fi) {
  char real[PATH_MAX];
  backing_path(real, path);
  int flags = backing_flags(fi->flags);
  if (fi->flags & O_TRUNC) {
    pthread_mutex_lock(&lock);
    struct stat st;
    if (stat(real, &st) == 0) forget_file(st.st_ino);
    pthread_mutex_unlock(&lock);
  }
  int fd = open(real, flags);
  if (fd < 0) return -errno;
  fi->fh = (uint64_t)fd;
  fi->keep_cache = 0;
  return 0;
}

static int lossy_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
  char real[PATH_MAX];
  backing_path(real, path);
  pthread_mutex_lock(&lock);
  int full = disk_full;
  pthread_mutex_unlock(&lock);
  if (full && access(real, F_OK) != 0) return -ENOSPC;
  int fd = open(real, backing_flags(fi->flags) | O_CREAT, mode);
  if (fd < 0) return -errno;
  fi->fh = (uint64_t)fd;
  return 0;
}

static int lossy_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)path;
  int fd = (int)fi->fh;
  pthread_mutex_lock(&lock);
  struct stat st;
  struct dirty_file *f = fstat(fd, &st) == 0 ? find_file(st.st_ino) : NULL;
  int result;
  if (f == NULL) {
    pthread_mutex_unlock(&lock);
    ssize_t n = pread(fd, buf, size, off);
    return n < 0 ? -errno : (int)n;
  }
  if (off >= f->size) {
    pthread_mutex_unlock(&lock);
    return 0;
  }
  if ((off_t)(off + size) > f->size) size = (size_t)(f->size - off);
  size_t done = 0;
  result = 0;
  while (done < size) {
    off_t at = off + (off_t)done;
    off_t index;
    size_t in_page;
    size_t len = page_span(at, size - done, &index, &in_page);
    struct page *p = find_page(f, index);
    if (p != NULL) memcpy(buf + done, p->data + in_page, len);
    else if ((result = read_backing(fd, f, (unsigned char *)buf + done, len, at)) != 0) break;
    done += len;
  }
  pthread_mutex_unlock(&lock);
  return result != 0 ? result : (int)done;
}

static int lossy_write(const char *path, const char *buf, size_t size, off_t off,
                       struct fuse_file_info *fi) {
  (void)path;
  int fd = (int)fi->fh;
  pthread_mutex_lock(&lock);
  struct dirty_file *f = get_file(fd);
  if (f == NULL) {
    pthread_mutex_unlock(&lock);
    return -ENOMEM;
  }
  if (disk_full && (off_t)(off + size) > f->size) {
    pthread_mutex_unlock(&lock);
    return -ENOSPC;
  }
  size_t done = 0;
  int result = 0;
  while (done < size) {
    off_t at = off + (off_t)done;
    off_t index;
    size_t in_page;
    size_t len = page_span(at, size - done, &index, &in_page);
    struct page *p = find_page(f, index);
    if (p == NULL) {
      p = malloc(sizeof *p);
      if (p == NULL) {
        result = -ENOMEM;
        break;
      }
      p->index = index;
      if ((result = read_backing(fd, f, p->data, PAGE, index * PAGE)) != 0 ||
          (result = insert_page(f, p)) != 0) {
        free(p);
        break;
      }
    }
    memcpy(p->data + in_page, buf + done, len);
    done += len;
  }
  if (result == 0 && (off_t)(off + size) > f->size) f->size = off + (off_t)size;
  pthread_mutex_unlock(&lock);
  return result != 0 ? result : (int)size;
}

static int lossy_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  char real[PATH_MAX];
  backing_path(real, path);
  int fd = fi != NULL ? (int)fi->fh : open(real, O_RDWR);
  if (fd < 0) return -errno;
  pthread_mutex_lock(&lock);
  int result = 0;
  struct dirty_file *f = get_file(fd);
  if (f == NULL) result = -ENOMEM;
  else if (disk_full && size > f->size) result = -ENOSPC;
  else {
    /* Pages past the new end are zeroed (a later extension must read zeros there). */
    for (struct page *p = f->pages; p != NULL; p = p->next_in_file) {
      off_t start = p->index * PAGE;
      if (start + PAGE <= size) continue;
      off_t keep = size > start ? size - start : 0;
      memset(p->data + keep, 0, (size_t)(PAGE - keep));
    }
    /* Backing bytes past the new end read as zeros from now on (O(1), whatever the file's size). */
    if (size < f->zero_from) f->zero_from = size;
    if (result == 0) f->size = size;
  }
  pthread_mutex_unlock(&lock);
  if (fi == NULL) close(fd);
  return result;
}

static int lossy_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)path;
  int fd = (int)fi->fh;
  pthread_mutex_lock(&lock);
  struct stat st;
  int result;
  struct dirty_file *f = fstat(fd, &st) == 0 ? find_file(st.st_ino) : NULL;
  if (f != NULL) result = flush_file(fd, f, datasync);
  else result = (datasync ? fdatasync(fd) : fsync(fd)) != 0 ? -errno : 0;
  pthread_mutex_unlock(&lock);
  return result;
}

static int lossy_release(const char *path, struct fuse_file_info *fi) {
  (void)path;
  /* Closing does not sync: the unsynced pages stay, as in a page cache. */
  close((int)fi->fh);
  return 0;
}

static int lossy_flush(const char *path, struct fuse_file_info *fi) {
  (void)path;
  (void)fi;
  return 0;
}

static int lossy_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                         struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)off;
  (void)fi;
  (void)flags;
  char real[PATH_MAX];
  backing_path(real, path);
  DIR *dir = opendir(real);
  if (dir == NULL) return -errno;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_ino = entry->d_ino;
    st.st_mode = (mode_t)entry->d_type << 12;
    if (fill(buf, entry->d_name, &st, 0, 0)) break;
  }
  closedir(dir);
  return 0;
}

static int lossy_mkdir(const char *path, mode_t mode) {
  char real[PATH_MAX];
  backing_path(real, path);
  pthread_mutex_lock(&lock);
  int full = disk_full;
  pthread_mutex_unlock(&lock);
  if (full) return -ENOSPC;
  return mkdir(real, mode) == 0 ? 0 : -errno;
}

static int lossy_unlink(const char *path) {
  char real[PATH_MAX];
  backing_path(real, path);
  struct stat st;
  int known = lstat(real, &st) == 0;
  if (unlink(real) != 0) return -errno;
  /* Another name may still point at it: keep its pages until it has no link left. */
  if (known && st.st_nlink <= 1) {
    pthread_mutex_lock(&lock);
    forget_file(st.st_ino);
    pthread_mutex_unlock(&lock);
  }
  return 0;
}

static int lossy_rmdir(const char *path) {
  char real[PATH_MAX];
  backing_path(real, path);
  return rmdir(real) == 0 ? 0 : -errno;
}

static int lossy_rename(const char *from, const char *to, unsigned int flags) {
  if (flags != 0) return -EINVAL;
  char real_from[PATH_MAX], real_to[PATH_MAX];
  backing_path(real_from, from);
  backing_path(real_to, to);
  struct stat replaced;
  int had = lstat(real_to, &replaced) == 0;
  if (rename(real_from, real_to) != 0) return -errno;
  if (had && replaced.st_nlink <= 1) {
    pthread_mutex_lock(&lock);
    forget_file(replaced.st_ino);
    pthread_mutex_unlock(&lock);
  }
  return 0;
}

static int lossy_link(const char *from, const char *to) {
  char real_from[PATH_MAX], real_to[PATH_MAX];
  backing_path(real_from, from);
  backing_path(real_to, to);
  return link(real_from, real_to) == 0 ? 0 : -errno;
}

static int lossy_symlink(const char *target, const char *path) {
  char real[PATH_MAX];
  backing_path(real, path);
  return symlink(target, real) == 0 ? 0 : -errno;
}

static int lossy_readlink(const char *path, char *buf, size_t size) {
  char real[PATH_MAX];
  backing_path(real, path);
  ssize_t n = readlink(real, buf, size - 1);
  if (n < 0) return -errno;
  buf[n] = '\0';
  return 0;
}

static int lossy_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
  (void)fi;
  char real[PATH_MAX];
  backing_path(real, path);
  return chmod(real, mode) == 0 ? 0 : -errno;
}

static int lossy_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
  (void)fi;
  char real[PATH_MAX];
  backing_path(real, path);
  return utimensat(AT_FDCWD, real, tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int lossy_access(const char *path, int mask) {
  char real[PATH_MAX];
  backing_path(real, path);
  return access(real, mask) == 0 ? 0 : -errno;
}

static int lossy_statfs(const char *path, struct statvfs *st) {
  (void)path;
  if (statvfs(backing_root, st) != 0) return -errno;
  pthread_mutex_lock(&lock);
  if (disk_full) {
    st->f_bfree = 0;
    st->f_bavail = 0;
  }
  pthread_mutex_unlock(&lock);
  return 0;
}

static int lossy_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)datasync;
  (void)fi;
  (void)path;
  return 0; /* metadata is synchronous here */
}

/* Where this disk is mounted: it unmounts itself when its runner is gone (see `commands`). */
static const char *mountpoint_path;

static void *commands(void *arg) {
  (void)arg;
  char line[128];
  while (fgets(line, sizeof line, stdin) != NULL) {
    pthread_mutex_lock(&lock);
    if (strncmp(line, "crash", 5) == 0) {
      size_t bytes = 0, count = 0;
      while (files != NULL) {
        struct dirty_file *f = files;
        files = f->next;
        bytes += f->page_count * PAGE;
        count++;
        free_file(f);
      }
      printf("dropped %zu %zu\n", bytes, count);
    } else if (strncmp(line, "full", 4) == 0) {
      disk_full = 1;
      printf("full\n");
    } else if (strncmp(line, "space", 5) == 0) {
      disk_full = 0;
      printf("space\n");
    } else if (strncmp(line, "stats", 5) == 0) {
      size_t bytes = 0, count = 0;
      for (struct dirty_file *f = files; f != NULL; f = f->next) {
        bytes += f->page_count * PAGE;
        count++;
      }
      printf("dirty %zu %zu full %d\n", bytes, count, disk_full);
    } else {
      printf("error unknown command\n");
    }
    fflush(stdout);
    pthread_mutex_unlock(&lock);
  }
  /* The end of the runner's pipe closed: it stopped us, or it died without unmounting (SIGKILL, a crash).
     Nobody else will unmount this disk, so it does it itself (lazily: open files keep working until
     closed); the FUSE loop then ends and the process exits. What was not fsynced is lost, as at a power
     cut. When the runner had unmounted already, this fails quietly. */
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    execlp("fusermount3", "fusermount3", "-u", "-z", mountpoint_path, (char *)NULL);
    execlp("umount", "umount", "-l", mountpoint_path, (char *)NULL);
    _exit(127);
  }
  if (pid > 0) waitpid(pid, NULL, 0);
  return NULL;
}

static void *lossy_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  /* Sizes change under the kernel's feet at a crash: no attribute or entry caching. */
  cfg->attr_timeout = 0;
  cfg->entry_timeout = 0;
  cfg->negative_timeout = 0;
  cfg->use_ino = 1;
  cfg->kernel_cache = 0;
  pthread_t thread;
  pthread_create(&thread, NULL, commands, NULL);
  pthread_detach(thread);
  printf("ready\n");
  fflush(stdout);
  return NULL;
}

static const struct fuse_operations operations = {
    .init = lossy_init,
    .getattr = lossy_getattr,
    .open = lossy_open,
    .create = lossy_create,
    .read = lossy_read,
    .write = lossy_write,
    .truncate = lossy_truncate,
    .fsync = lossy_fsync,
    .flush = lossy_flush,
    .release = lossy_release,
    .readdir = lossy_readdir,
    .mkdir = lossy_mkdir,
    .unlink = lossy_unlink,
    .rmdir = lossy_rmdir,
    .rename = lossy_rename,
    .link = lossy_link,
    .symlink = lossy_symlink,
    .readlink = lossy_readlink,
    .chmod = lossy_chmod,
    .utimens = lossy_utimens,
    .access = lossy_access,
    .statfs = lossy_statfs,
    .fsyncdir = lossy_fsyncdir,
};

int main(int argc, char *argv[]) {
  if (argc != 3) {
    fprintf(stderr, "usage: lossyfs <backing-dir> <mountpoint>\n");
    return 2;
  }
  if (realpath(argv[1], backing_root) == NULL) {
    perror("backing directory");
    return 2;
  }
  mountpoint_path = argv[2];
  umask(0);
  /* Foreground, one request at a time (the command thread shares the lock), no other options. */
  char *fuse_argv[] = {argv[0], "-f", "-s", "-o", "default_permissions", argv[2], NULL};
  return fuse_main(6, fuse_argv, &operations, NULL);
}
