/*
 * Runs Parkway's EFI runtime services image (built by the test for BASE) as an arm64 Linux user
 * program would call firmware: the image is mapped at BASE, a page standing in for the PL031 at RTC,
 * and GetTime is reached through EFI_RUNTIME_SERVICES (GetTime at offset 24 of the table), the
 * way Linux's efi_call_virt does. For every decimal counter value on stdin: store it in the RTC's
 * data register, call GetTime(&time, &caps) on buffers filled with 0xAA, print the status, every
 * EFI_TIME field (padding included) and every EFI_TIME_CAPABILITIES field.
 * First lines: "null <status of GetTime(NULL, NULL)>", "slot <offset> <status>" for each other
 * service called with no arguments.
 * Usage: efi-gettime-harness IMAGE BASE RTC   (addresses in hex)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* UEFI 2.10, 8.3: EFI_TIME and EFI_TIME_CAPABILITIES, in the C layout firmware is compiled with. */
typedef struct {
	uint16_t year;
	uint8_t month, day, hour, minute, second, pad1;
	uint32_t nanosecond;
	int16_t timezone;
	uint8_t daylight, pad2;
} efi_time;

typedef struct {
	uint32_t resolution, accuracy;
	uint8_t sets_to_zero;
} efi_time_capabilities;

_Static_assert(sizeof(efi_time) == 16, "EFI_TIME is 16 bytes");
_Static_assert(sizeof(efi_time_capabilities) == 12, "EFI_TIME_CAPABILITIES is 12 bytes");

typedef uint64_t (*get_time_fn)(efi_time *, efi_time_capabilities *);
typedef uint64_t (*service_fn)(void);

static void *map_at(uintptr_t address, size_t size, int protection)
{
	void *p = mmap((void *)address, size, protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED || p != (void *)address) {
		perror("mmap");
		exit(2);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s IMAGE BASE RTC\n", argv[0]);
		return 2;
	}
	uintptr_t base = strtoull(argv[2], NULL, 16), rtc = strtoull(argv[3], NULL, 16);
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	uint8_t *image = map_at(base, 1 << 16, PROT_READ | PROT_WRITE | PROT_EXEC);
	size_t size = fread(image, 1, 1 << 16, f);
	fclose(f);
	__builtin___clear_cache((char *)image, (char *)image + size);
	volatile uint32_t *data_register = map_at(rtc & ~(uintptr_t)0xfff, 4096, PROT_READ | PROT_WRITE);
	data_register += (rtc & 0xfff) / 4;

	const uint64_t *table = (const uint64_t *)image;
	get_time_fn get_time = (get_time_fn)(uintptr_t)table[3];
	printf("null %llx\n", (unsigned long long)get_time(NULL, NULL));
	for (int slot = 32; slot < 136; slot += 8)
		printf("slot %d %llx\n", slot, (unsigned long long)((service_fn)(uintptr_t)table[slot / 8])());

	unsigned long long seconds;
	int n = 0;
	while (scanf("%llu", &seconds) == 1) {
		efi_time t;
		efi_time_capabilities c;
		memset(&t, 0xAA, sizeof(t));
		memset(&c, 0xAA, sizeof(c));
		*data_register = (uint32_t)seconds;
		/* Every other call passes no capabilities: GetTime must accept NULL there. */
		uint64_t status = get_time(&t, (n++ & 1) ? NULL : &c);
		printf("%llu %llx %u %u %u %u %u %u %u %u %d %u %u", seconds, (unsigned long long)status,
		       t.year, t.month, t.day, t.hour, t.minute, t.second, t.pad1, t.nanosecond, t.timezone,
		       t.daylight, t.pad2);
		if (n & 1)
			printf(" caps %u %u %u\n", c.resolution, c.accuracy, c.sets_to_zero);
		else
			printf(" nocaps\n");
	}
	return 0;
}
