import { Matches } from 'class-validator';

/** A name of only white space is no name: the database refuses it too. */
export const IsNotBlank = () => Matches(/\S/, { message: '$property must not be blank' });
