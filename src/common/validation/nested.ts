import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';

type Constructor = new (...args: never[]) => object;

/**
 * A property holding one object of `type`, validated by its own rules. ValidateNested alone
 * also takes an array of such objects (it validates each), so `principal: [{…}]` would reach
 * code that expects one object: IsObject refuses arrays and primitives first.
 */
export const NestedObject = (type: () => Constructor) =>
  applyDecorators(
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(type),
  );

/** A property holding an array of objects of `type`, each an object and validated by its rules. */
export const NestedObjects = (type: () => Constructor) =>
  applyDecorators(
    IsObject({ each: true, message: 'each item of $property must be an object' }),
    ValidateNested({ each: true }),
    Type(type),
  );
