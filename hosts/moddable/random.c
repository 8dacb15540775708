/*
 * sailau: the platform's random number generator for hosts/moddable/entropy.ts (the device's
 * keys, nonces and Noise ephemerals come from it). One host function, fillRandom(buffer).
 *
 * ESP32: esp_fill_random() is a true RNG only while an entropy source runs - the radio, or the
 * SAR ADC source, which the bootloader turns off before the app starts. The devices keep the
 * radio off, so the ADC source is switched on around each draw (ESP-IDF's
 * bootloader_random_enable/disable; JavaScript is single-threaded, so no ADC reading of ours -
 * the battery gauge - runs meanwhile).
 * Simulators (Linux, macOS): /dev/urandom. Elsewhere: an error, and the device does not start.
 */
#include "xsmc.h"
#include "xsHost.h"

#if ESP32
	#include "esp_random.h"
	#include "bootloader_random.h"
#elif mxLinux || mxMacOSX
	#include <stdio.h>
#endif

void xs_sailau_fill_random(xsMachine *the)
{
	void *data;
	xsUnsignedValue size;
	xsmcGetBufferWritable(xsArg(0), &data, &size);
#if ESP32
	bootloader_random_enable();
	esp_fill_random(data, size);
	bootloader_random_disable();
#elif mxLinux || mxMacOSX
	FILE *file = fopen("/dev/urandom", "rb");
	if (!file)
		xsUnknownError("cannot open /dev/urandom");
	size_t got = fread(data, 1, size, file);
	fclose(file);
	if (got != size)
		xsUnknownError("short read from /dev/urandom");
#else
	xsUnknownError("no random number generator on this platform");
#endif
}
