import { Types } from 'mongoose';
import { invalid } from '../../core/errors.js';

/** Parses an id from outside; a malformed one is the caller's error (400), not a server error. */
export function toObjectId(id: string, what = 'id'): Types.ObjectId {
  if (!Types.ObjectId.isValid(id) || String(new Types.ObjectId(id)) !== id.toLowerCase()) {
    throw invalid(`${what} is not a valid id`);
  }
  return new Types.ObjectId(id);
}

export const isObjectId = (id: string): boolean => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id);
