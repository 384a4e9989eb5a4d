import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import { ApiProblems } from '../errors/api-problems';
import { IDEMPOTENCY_KEY_HEADER_DOC, IF_MATCH_HEADER_DOC } from './headers';
import { ApiCreated, ApiOk, ApiPage } from './answers';

class Thing {}

/** Where @nestjs/swagger keeps a method's documented answers and parameters. */
const RESPONSES = 'swagger/apiResponse';
const PARAMETERS = 'swagger/apiParameters';

/** The OpenAPI metadata a decorator leaves on a method. */
function documented(decorator: MethodDecorator): unknown {
  class Controller {
    route(): void {}
  }
  const descriptor = Object.getOwnPropertyDescriptor(Controller.prototype, 'route')!;
  decorator(Controller.prototype, 'route', descriptor);
  return {
    responses: Reflect.getMetadata(RESPONSES, descriptor.value) as unknown,
    parameters: Reflect.getMetadata(PARAMETERS, descriptor.value) as unknown,
  };
}

describe('answers', () => {
  it('documents what the Api* decorators they stand for do', () => {
    expect(documented(ApiCreated(Thing, { idempotencyKey: true, problems: [400, 409] }))).toEqual(
      documented(
        applyDecorators(
          ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC),
          ApiCreatedResponse({ type: Thing }),
          ApiProblems(400, 409),
        ),
      ),
    );
    expect(documented(ApiOk(Thing, { ifMatch: true, problems: [404, 412] }))).toEqual(
      documented(
        applyDecorators(
          ApiHeader(IF_MATCH_HEADER_DOC),
          ApiOkResponse({ type: Thing }),
          ApiProblems(404, 412),
        ),
      ),
    );
  });

  it('shows an example only when given one', () => {
    const example = { documented: true };
    expect(documented(ApiOk(Thing, { problems: [], example }))).toEqual(
      documented(ApiOkResponse({ type: Thing, example })),
    );
    expect(documented(ApiOk(Thing, { problems: [] }))).toEqual(
      documented(ApiOkResponse({ type: Thing })),
    );
  });

  it('names a page of the type', () => {
    const { responses } = documented(ApiPage(Thing, { problems: [] })) as {
      responses: Record<string, { type: { name: string } }>;
    };
    expect(responses['200'].type.name).toBe('PageOfThing');
  });
});
