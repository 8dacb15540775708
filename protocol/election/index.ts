// The election definition: model, Kazakh collation, validation, building, encoding, signing.
export * from './model';
export * from './errors';
export * from './collation';
export * from './validate';
export * from './build';
export * from './encoding';
export * from './signed';
