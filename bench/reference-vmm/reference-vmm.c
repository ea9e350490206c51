/*
 * The floor for scripts/bench: the least a KVM VMM can do to run the raw benchmark guest
 * (bench/raw-guest) on arm64. It creates the VM, NVCPUS vCPUs (all but the first powered off),
 * a vGICv3 sized for them, guest RAM at 0x4000_0000, loads the image there, and runs vCPU 0 on
 * the main thread: MMIO writes to the PL011 data register go to stdout, MMIO reads return 0,
 * PSCI SYSTEM_OFF ends the process. Parkway's own start-up and exit path are compared with this.
 *
 * usage: reference-vmm IMAGE NVCPUS MEMORY_MIB [sigmask]
 *   sigmask  give vCPU 0 a KVM_SET_SIGNAL_MASK as Parkway does (every signal but its kick
 *            signal, SIGUSR2, blocked outside KVM_RUN): shows what that costs per exit
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM_BASE 0x40000000ULL
#define UART_DATA 0x09000000ULL
#define GICD_BASE 0x08000000ULL
#define GICR_BASE 0x8000000000ULL /* above RAM: one region for any NVCPUS */

static void fail(const char *what) {
    fprintf(stderr, "reference-vmm: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int check(int result, const char *what) {
    if (result < 0) fail(what);
    return result;
}

static void set_vgic_addr(int vgic, uint64_t type, uint64_t value) {
    struct kvm_device_attr attr = {
        .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = type, .addr = (uint64_t)(uintptr_t)&value,
    };
    check(ioctl(vgic, KVM_SET_DEVICE_ATTR, &attr), "vGIC address");
}

int main(int argc, char **argv) {
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "sigmask") == 0)) {
        fprintf(stderr, "usage: reference-vmm IMAGE NVCPUS MEMORY_MIB [sigmask]\n");
        return 2;
    }
    int nvcpus = atoi(argv[2]);
    uint64_t memory = (uint64_t)atoi(argv[3]) << 20;

    int kvm = check(open("/dev/kvm", O_RDWR | O_CLOEXEC), "/dev/kvm");
    int vm = check(ioctl(kvm, KVM_CREATE_VM, 0), "KVM_CREATE_VM");
    long run_size = check(ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");

    uint8_t *ram = mmap(NULL, memory, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) fail("mmap guest RAM");
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = memory, .userspace_addr = (uint64_t)(uintptr_t)ram,
    };
    check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region), "KVM_SET_USER_MEMORY_REGION");

    int image = check(open(argv[1], O_RDONLY | O_CLOEXEC), argv[1]);
    struct stat st;
    check(fstat(image, &st), "fstat image");
    if ((uint64_t)st.st_size > memory || read(image, ram, st.st_size) != st.st_size) fail("read image");
    close(image);

    struct kvm_vcpu_init init;
    check(ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init), "KVM_ARM_PREFERRED_TARGET");
    init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
    int vcpu0 = -1;
    struct kvm_run *run0 = NULL;
    for (int i = 0; i < nvcpus; i++) {
        int vcpu = check(ioctl(vm, KVM_CREATE_VCPU, i), "KVM_CREATE_VCPU");
        struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
        if (run == MAP_FAILED) fail("mmap kvm_run");
        struct kvm_vcpu_init this_init = init;
        if (i > 0) this_init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
        check(ioctl(vcpu, KVM_ARM_VCPU_INIT, &this_init), "KVM_ARM_VCPU_INIT");
        if (i == 0) { vcpu0 = vcpu; run0 = run; }
    }

    struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
    check(ioctl(vm, KVM_CREATE_DEVICE, &gic), "KVM_CREATE_DEVICE vGICv3");
    set_vgic_addr(gic.fd, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE);
    /* REDIST_REGION: base | count << 52 | index 0. */
    set_vgic_addr(gic.fd, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, GICR_BASE | ((uint64_t)nvcpus << 52));
    struct kvm_device_attr ctrl_init = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
    check(ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &ctrl_init), "vGIC CTRL_INIT");

    uint64_t pc = RAM_BASE;
    struct kvm_one_reg pc_reg = {
        .id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offsetof(struct kvm_regs, regs.pc) / sizeof(uint32_t)),
        .addr = (uint64_t)(uintptr_t)&pc,
    };
    check(ioctl(vcpu0, KVM_SET_ONE_REG, &pc_reg), "KVM_SET_ONE_REG pc");

    if (argc == 5) {
        /* Parkway's in-guest mask is its thread's usual mask without the kick signal; this
         * thread blocks nothing, so the mask is empty. What matters is that one is active: KVM
         * then swaps the thread's signal mask on every KVM_RUN entry and exit. The kernel's
         * sigset is 8 bytes on arm64 (not glibc's 128-byte sigset_t). */
        struct { struct kvm_signal_mask header; uint64_t set; } mask = { .header.len = 8, .set = 0 };
        check(ioctl(vcpu0, KVM_SET_SIGNAL_MASK, &mask), "KVM_SET_SIGNAL_MASK");
    }

    for (;;) {
        if (ioctl(vcpu0, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            fail("KVM_RUN");
        }
        switch (run0->exit_reason) {
        case KVM_EXIT_MMIO:
            if (run0->mmio.is_write) {
                if (run0->mmio.phys_addr == UART_DATA) {
                    ssize_t ignored = write(STDOUT_FILENO, run0->mmio.data, 1);
                    (void)ignored;
                }
            } else {
                memset(run0->mmio.data, 0, sizeof run0->mmio.data);
            }
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            return 0;
        default:
            fprintf(stderr, "reference-vmm: unexpected exit %u\n", run0->exit_reason);
            return 1;
        }
    }
}
