// The platform's random number generator, as one native call (hosts/moddable/random.c): fills
// an ArrayBuffer. JavaScript because TypeScript has no syntax for XS host functions; typed by
// random.d.ts. Used only by hosts/moddable/entropy.ts.
export default function fillRandom(buffer) @ "xs_sailau_fill_random";
