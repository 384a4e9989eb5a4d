import { ApiProperty } from '@nestjs/swagger';
import { NestedObject } from '../../common/validation/nested';
import { IsDefined, IsIn, IsString, Length } from 'class-validator';
import { IsNotBlank } from '../../common/validation/is-not-blank';

export class NewPrincipalDto {
  @ApiProperty({ example: 'Catalogue integration', description: 'Who will hold the first key' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name!: string;
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Northwind Press' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name!: string;

  @ApiProperty({
    enum: ['publisher', 'licensee'],
    example: 'publisher',
    description: 'The operator organization exists once, from bootstrap',
  })
  @IsIn(['publisher', 'licensee'])
  kind!: 'publisher' | 'licensee';

  @ApiProperty({
    type: NewPrincipalDto,
    description: 'The principal that receives the first API key',
  })
  @IsDefined()
  @NestedObject(() => NewPrincipalDto)
  principal!: NewPrincipalDto;
}
