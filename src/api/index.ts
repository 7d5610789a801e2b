export * from './client';
export * from './errors';
export * from './explorer';
export * from './http';
export * from './token';
export * from './types';
export * from './url';
export * from './validate';
