"""Invented people's names, grouped so that a first and last name usually go together."""

from dataclasses import dataclass


def _names(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of names."""
    return tuple(name.strip() for name in text.split(","))


@dataclass(frozen=True)
class NamePool:
    """First and last names from one naming tradition, and a language some of its people speak."""

    key: str
    weight: int
    women: tuple[str, ...]
    men: tuple[str, ...]
    last: tuple[str, ...]
    language: str = ""
    language_share: float = 0.0
    # Share of people who go by an English name at work, as many immigrants' children do.
    english_name_share: float = 0.0


POOLS: tuple[NamePool, ...] = (
    NamePool(
        key="anglo",
        weight=33,
        women=_names(
            "Abigail, Allison, Amanda, Bethany, Brianna, Caitlin, Carol, Claire, Danielle, "
            "Deborah, Ebony, Elizabeth, Erin, Gwen, Hannah, Heather, Imani, Jasmine, Jennifer, "
            "Jessica, Julia, Karen, Kathleen, Kayla, Keisha, Laura, Lauren, Lindsay, Margaret, "
            "Megan, Melissa, Molly, Nicole, Patricia, Rachel, Rebecca, Sarah, Shannon, "
            "Stephanie, Tamika, Tiffany, Whitney"
        ),
        men=_names(
            "Aaron, Andrew, Benjamin, Brandon, Brian, Charles, Christopher, Colin, Darnell, "
            "David, Derek, Douglas, Dwayne, Eric, Gregory, Jamal, Jason, Jeffrey, Jeremy, "
            "Jonathan, Joshua, Kevin, Kyle, Malik, Mark, Matthew, Michael, Nathan, Patrick, "
            "Raymond, Robert, Ryan, Scott, Sean, Terrence, Thomas, Timothy, Travis, Tyler, "
            "William"
        ),
        last=_names(
            "Anderson, Baker, Bennett, Brooks, Campbell, Carter, Coleman, Collins, Cooper, "
            "Davis, Dawson, Ellis, Fischer, Fitzgerald, Foster, Gallagher, Graham, Hayes, "
            "Henderson, Hughes, Jackson, Jenkins, Johnson, Keller, Kelly, Lawson, MacLeod, "
            "Marshall, McCarthy, Mitchell, Murphy, Nelson, O'Brien, Parker, Porter, Reed, "
            "Richardson, Robinson, Russell, Schmidt, Shaw, Simmons, Stewart, Sullivan, "
            "Thompson, Turner, Walsh, Washington, Webb, Whitfield, Williams, Wright"
        ),
    ),
    NamePool(
        key="hispanic",
        weight=20,
        women=_names(
            "Adriana, Alejandra, Ana, Beatriz, Carmen, Claudia, Daniela, Elena, Esperanza, "
            "Gabriela, Guadalupe, Isabel, Jimena, Leticia, Lucía, Marisol, Mónica, Natalia, "
            "Paola, Rocío, Rosa, Sofía, Valeria, Ximena, Yesenia"
        ),
        men=_names(
            "Alejandro, Andrés, Antonio, Carlos, Diego, Eduardo, Emilio, Fernando, Gerardo, "
            "Héctor, Javier, Jorge, José, Juan, Luis, Manuel, Mateo, Miguel, Óscar, Pablo, "
            "Rafael, Ricardo, Rubén, Santiago, Víctor"
        ),
        last=_names(
            "Acosta, Aguilar, Castillo, Castro, Cervantes, Delgado, Domínguez, Espinoza, "
            "Flores, García, Gómez, Gutiérrez, Hernández, Herrera, Jiménez, López, Martínez, "
            "Medina, Mendoza, Morales, Navarro, Ortiz, Pérez, Ramírez, Reyes, Ríos, Rodríguez, "
            "Ruiz, Salazar, Sánchez, Soto, Torres, Vargas, Vázquez"
        ),
        language="es",
        language_share=0.45,
    ),
    NamePool(
        key="chinese",
        weight=7,
        women=_names(
            "Fang, Hui, Jia, Jing, Lan, Li Na, Mei, Qing, Xiaoyu, Xin, Yan, Ying, Yun, Zhen"
        ),
        men=_names("Bo, Chen, Gang, Hao, Jian, Jun, Lei, Ming, Qiang, Tao, Wei, Xiang, Yong, Zhi"),
        last=_names(
            "Chan, Chen, Cheung, Huang, Lam, Li, Lin, Liu, Ma, Sun, Wang, Wong, Wu, Xu, Yang, "
            "Zhang, Zhao, Zhou"
        ),
        language="zh",
        language_share=0.4,
        english_name_share=0.3,
    ),
    NamePool(
        key="vietnamese",
        weight=5,
        women=_names("Anh, Hoa, Hương, Lan, Linh, Mai, Ngọc, Nhung, Phương, Thảo, Thu, Trang, Vy"),
        men=_names("Bảo, Duc, Dũng, Hải, Hiếu, Hùng, Khoa, Long, Minh, Nam, Phúc, Quang, Tuấn"),
        last=_names(
            "Bùi, Đặng, Đỗ, Dương, Hồ, Hoàng, Huỳnh, Lê, Ngô, Nguyễn, Phạm, Phan, Trần, Trương, "
            "Võ, Vũ"
        ),
        language="vi",
        language_share=0.5,
        english_name_share=0.2,
    ),
    NamePool(
        key="filipino",
        weight=6,
        women=_names(
            "Angelica, Cristina, Divina, Grace, Jocelyn, Kristine, Liza, Maricel, Marites, "
            "Rowena, Teresita, Ysabel"
        ),
        men=_names(
            "Arnel, Danilo, Emmanuel, Jericho, Joel, Jose Mari, Marlon, Noel, Paolo, Renato, "
            "Rodel, Rommel"
        ),
        last=_names(
            "Aquino, Bautista, Castillo, Cruz, Dela Cruz, Garcia, Lim, Manalo, Mendoza, Ocampo, "
            "Pascual, Ramos, Reyes, Santos, Tolentino, Villanueva"
        ),
        language="tl",
        language_share=0.4,
    ),
    NamePool(
        key="korean",
        weight=3,
        women=_names("Eun-ji, Hae-won, Ji-yeon, Min-ji, Seo-yeon, So-young, Yuna"),
        men=_names("Dong-hyun, Hyun-woo, Jae-min, Ji-hoon, Min-jun, Sung-ho, Tae-yang"),
        last=_names("Choi, Han, Jang, Jung, Kang, Kim, Lee, Park, Seo, Yoon"),
        language="ko",
        language_share=0.35,
        english_name_share=0.3,
    ),
    NamePool(
        key="japanese",
        weight=2,
        women=_names("Akiko, Emi, Haruka, Kaori, Mariko, Naomi, Yuki"),
        men=_names("Daisuke, Hiroshi, Kenji, Satoshi, Takeshi, Yusuke"),
        last=_names(
            "Fujimoto, Hayashi, Ito, Kobayashi, Matsumoto, Nakamura, Sato, Tanaka, Watanabe, Yamada"
        ),
        language="ja",
        language_share=0.2,
    ),
    NamePool(
        key="south_asian",
        weight=6,
        women=_names(
            "Aarti, Ananya, Deepa, Divya, Kavita, Meera, Nisha, Pooja, Priya, Rupa, Shreya, Sunita"
        ),
        men=_names(
            "Aditya, Amit, Arjun, Harpreet, Karthik, Manish, Nikhil, Rahul, Rajesh, Sanjay, "
            "Vikram, Vivek"
        ),
        last=_names(
            "Bhatt, Chaudhry, Desai, Gill, Iyer, Joshi, Kapoor, Krishnan, Malhotra, Menon, "
            "Patel, Rao, Reddy, Sandhu, Shah, Sharma, Singh"
        ),
        language="hi",
        language_share=0.3,
    ),
    NamePool(
        key="african",
        weight=3,
        women=_names("Abebech, Adaeze, Amina, Chiamaka, Fatuma, Hiwot, Ngozi, Yetunde"),
        men=_names("Abdi, Chidi, Emeka, Kwame, Mekonnen, Oluwaseun, Tesfaye, Yusuf"),
        last=_names(
            "Abdullahi, Adeyemi, Asante, Bekele, Haile, Mensah, Mohamed, Nwosu, Okafor, "
            "Okonkwo, Osei, Tadesse, Warsame"
        ),
        language="fr",
        language_share=0.1,
    ),
    NamePool(
        key="middle_eastern",
        weight=3,
        women=_names("Dalia, Farah, Layla, Mariam, Nadia, Rana, Shirin, Yasmin"),
        men=_names("Ali, Bilal, Dariush, Karim, Omar, Reza, Sami, Tariq"),
        last=_names(
            "Abboud, Ahmadi, Haddad, Hosseini, Karimi, Khalil, Mansour, Nasser, Rahimi, Saleh"
        ),
        language="ar",
        language_share=0.3,
    ),
    NamePool(
        key="eastern_european",
        weight=4,
        women=_names("Agnieszka, Irina, Katarzyna, Olena, Oksana, Svetlana, Tatiana"),
        men=_names("Andriy, Dmitri, Marek, Mykola, Piotr, Sergei, Tomasz"),
        last=_names(
            "Bondarenko, Kowalczyk, Kowalski, Kravchenko, Lewandowski, Melnyk, Nowak, Petrov, "
            "Shevchenko, Volkov, Wiśniewski"
        ),
        language="uk",
        language_share=0.25,
    ),
    NamePool(
        key="pacific",
        weight=1,
        women=_names("Leilani, Malia, Sina, Talia"),
        men=_names("Ioane, Kai, Sione, Tevita"),
        last=_names("Fa'alogo, Fonoti, Kahale, Mahoe, Taufa, Tuilagi"),
    ),
)

# Names worn by people of any gender; non-binary people pick from these more often.
NEUTRAL_FIRST = _names(
    "Alex, Avery, Casey, Drew, Emerson, Jamie, Jordan, Kai, Morgan, Quinn, Reese, Riley, River, "
    "Robin, Rowan, Sage, Sam, Skyler, Taylor"
)

# The English names some people go by at work instead of their given name.
ENGLISH_WORK_NAMES_WOMEN = _names(
    "Amy, Cindy, Grace, Helen, Irene, Jenny, Joyce, Kelly, Lily, Nancy, Tina, Vivian"
)
ENGLISH_WORK_NAMES_MEN = _names(
    "Andy, Danny, Eddie, Frank, Henry, Jimmy, Kenny, Leo, Peter, Steven, Tony, Vincent"
)

# Short forms that a minority of people list as the name they like to be called.
NICKNAMES: dict[str, str] = {
    "Abigail": "Abby",
    "Alejandro": "Alex",
    "Andrew": "Drew",
    "Benjamin": "Ben",
    "Christopher": "Chris",
    "Daniela": "Dani",
    "Elizabeth": "Liz",
    "Francisco": "Paco",
    "Gregory": "Greg",
    "Guadalupe": "Lupe",
    "Jennifer": "Jen",
    "Jonathan": "Jon",
    "Joshua": "Josh",
    "Katarzyna": "Kasia",
    "Kathleen": "Kate",
    "Margaret": "Maggie",
    "Matthew": "Matt",
    "Michael": "Mike",
    "Natalia": "Nati",
    "Nicole": "Nikki",
    "Oluwaseun": "Seun",
    "Patricia": "Trish",
    "Rebecca": "Becca",
    "Robert": "Rob",
    "Stephanie": "Steph",
    "Timothy": "Tim",
    "William": "Will",
}
